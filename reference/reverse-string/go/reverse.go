// Package reversestring is the Go original of the reverse-string exercise.
package reversestring

import "github.com/rivo/uniseg"

// Reverse reverses s by code point: []rune(s) turns each invalid byte into
// U+FFFD first.
func Reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// ReverseGraphemes reverses s by user-perceived character (extended
// grapheme cluster): combining marks stay on their base, emoji sequences
// and flags stay whole.
func ReverseGraphemes(s string) string {
	var clusters []string
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		clusters = append(clusters, g.Str())
	}
	out := make([]byte, 0, len(s))
	for i := len(clusters) - 1; i >= 0; i-- {
		out = append(out, clusters[i]...)
	}
	return string(out)
}
