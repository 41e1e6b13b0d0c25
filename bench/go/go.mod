module gograde/bench

go 1.19
