module gograde.example/reversestring

go 1.19

require github.com/rivo/uniseg v0.4.2

// Debian's golang-github-rivo-uniseg-dev (installed by scripts/setup): no
// download needed.
replace github.com/rivo/uniseg => /usr/share/gocode/src/github.com/rivo/uniseg
