module gograde.example/retrybackoff

go 1.19
