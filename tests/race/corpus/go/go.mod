module gograde/racecorpus

go 1.19
