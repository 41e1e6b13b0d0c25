module gograde.example/boundedfetch

go 1.19
