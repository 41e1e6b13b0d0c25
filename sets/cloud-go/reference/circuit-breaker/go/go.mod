module gograde.example/circuitbreaker

go 1.19
