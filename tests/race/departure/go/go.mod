module gograde/racedeparture

go 1.19
