module gograde.example/ratelimiter

go 1.19
