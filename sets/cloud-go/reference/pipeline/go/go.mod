module gograde.example/pipeline

go 1.19
