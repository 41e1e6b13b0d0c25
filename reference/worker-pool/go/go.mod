module gograde.example/workerpool

go 1.19
