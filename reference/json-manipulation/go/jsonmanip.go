// Package jsonmanipulation is the Go original of the json-manipulation
// exercise: the seed's code, with its ignored error handled.
package jsonmanipulation

import (
	"encoding/json"
	"errors"
)

// ErrNotObject is returned for valid JSON that is not an object.
var ErrNotObject = errors.New("input is not a JSON object")

// AddField decodes input (a JSON object), sets key to value and encodes it.
func AddField(input []byte, key string, value interface{}) ([]byte, error) {
	var obj map[string]interface{}
	if err := json.Unmarshal(input, &obj); err != nil {
		return nil, err
	}
	if obj == nil { // the input was null
		return nil, ErrNotObject
	}
	obj[key] = value
	return json.Marshal(obj)
}

// Person is the typed follow-up: fields in declaration order, role omitted
// when empty.
type Person struct {
	Name string `json:"name"`
	Age  int    `json:"age"`
	Role string `json:"role,omitempty"`
}

// PromotePerson decodes a Person, sets its role and encodes it.
func PromotePerson(input []byte, role string) ([]byte, error) {
	var p Person
	if err := json.Unmarshal(input, &p); err != nil {
		return nil, err
	}
	p.Role = role
	return json.Marshal(p)
}
