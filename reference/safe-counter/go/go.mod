module gograde.example/safecounter

go 1.19
