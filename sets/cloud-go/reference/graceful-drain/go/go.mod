module gograde.example/gracefuldrain

go 1.19
