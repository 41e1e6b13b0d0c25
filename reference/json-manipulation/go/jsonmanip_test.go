package jsonmanipulation

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"sync"
	"testing"
)

func loadVectors(t *testing.T) vectors {
	data, err := os.ReadFile(vectorsPath)
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSeedOutput(t *testing.T) {
	out, err := AddField([]byte(`{"name":"John","age":30}`), "role", "Senior Engineer")
	if err != nil || string(out) != `{"age":30,"name":"John","role":"Senior Engineer"}` {
		t.Fatalf("%s, %v", out, err)
	}
}

func TestMalformedAndNonObjectInputIsAnError(t *testing.T) {
	errors := 0
	for _, c := range loadVectors(t).AddField {
		if !c.Error {
			continue
		}
		errors++
		in, _ := hex.DecodeString(c.In)
		if out, err := AddField(in, c.Key, "x"); err == nil || out != nil {
			t.Errorf("%s: %q, %v", c.Name, out, err)
		}
	}
	if errors < 6 {
		t.Fatalf("only %d error vectors", errors)
	}
}

func TestConcurrentCallsAgreeWithTheVectors(t *testing.T) {
	cases := loadVectors(t).AddField
	var wg sync.WaitGroup
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, c := range cases {
				in, _ := hex.DecodeString(c.In)
				var val interface{}
				_ = json.Unmarshal([]byte(c.Value), &val)
				out, err := AddField(in, c.Key, val)
				want, _ := hex.DecodeString(c.Out)
				if (err != nil) != c.Error || !bytes.Equal(out, want) {
					t.Errorf("%s: %q, %v", c.Name, out, err)
				}
			}
		}()
	}
	wg.Wait()
}

func TestPersonKeepsDeclarationOrder(t *testing.T) {
	out, err := PromotePerson([]byte(`{"age":41,"name":"Ada"}`), "Lead")
	if err != nil || string(out) != `{"name":"Ada","age":41,"role":"Lead"}` {
		t.Fatalf("%s, %v", out, err)
	}
	if _, err := PromotePerson([]byte(`{"age":"41"}`), "x"); err == nil {
		t.Fatal("a string age was accepted")
	}
}
