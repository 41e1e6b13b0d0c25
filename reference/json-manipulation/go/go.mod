module gograde.example/jsonmanipulation

go 1.19
