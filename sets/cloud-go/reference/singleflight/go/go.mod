module gograde.example/singleflight

go 1.19
