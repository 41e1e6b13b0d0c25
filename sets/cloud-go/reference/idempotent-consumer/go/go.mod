module gograde.example/idempotentconsumer

go 1.19
