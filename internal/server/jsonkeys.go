package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// checkJSONText reads a body token by token for what encoding/json lets pass
// silently, before it is decoded into t:
//
//   - a string, key or value, that is not UTF-8, or that escapes half a surrogate
//     pair ("\ud800"): encoding/json would store U+FFFD in its place. That is a 400
//     naming the field.
//   - a key twice in one object: encoding/json keeps the last, so what the sender
//     meant is unclear. An EINVALID problem naming the key.
//   - a key that matches a field of the object only when case is ignored ("Title"
//     for "title"): encoding/json takes it, and with "title" beside it keeps one of
//     the two. An EINVALID problem naming the key and its spelling. Keys of maps
//     (labels) are data: "Team" and "team" are two labels.
//
// A body that is not JSON passes: the decoder says what is wrong with it.
func checkJSONText(body []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var (
		stack []*jsonFrame
		keys  misfitList
	)
	// done notes that the frame on top of the stack has read one value.
	done := func() {
		if n := len(stack); n > 0 {
			top := stack[n-1]
			top.index++
			top.wantKey = top.object
		}
	}
	complete := false
	for {
		prev := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			// The end of the body, or JSON that is not: the decoder says what.
			complete = err == io.EOF
			break
		}
		var top *jsonFrame
		if n := len(stack); n > 0 {
			top = stack[n-1]
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			done()
			continue
		}
		if top != nil && top.object && top.wantKey {
			key, _ := tok.(string)
			if fault := jsonStringFault(body[prev:dec.InputOffset()]); fault != "" {
				return badRequest(join(top.path, strconv.QuoteToASCII(key)), "A key of the request body is not UTF-8 text (%s): send the body encoded as UTF-8.", fault)
			}
			top.key(key, &keys)
			continue
		}
		path, typ := "", t
		if top != nil {
			path, typ = top.child()
		}
		switch tok := tok.(type) {
		case json.Delim:
			stack = append(stack, newJSONFrame(tok == '{', path, typ))
		case string:
			if fault := jsonStringFault(body[prev:dec.InputOffset()]); fault != "" {
				return badRequest(path, "The value of %s is not UTF-8 text (%s): send the body encoded as UTF-8; "+
					"a character outside the Basic Multilingual Plane is escaped as a surrogate pair.", describePath(path), fault)
			}
			done()
		default:
			done()
		}
	}
	if complete && keys.total > 0 {
		return raci.InvalidCounted(keys.total, keys.problems...)
	}
	return nil
}

// jsonFrame is an object or array being read, with where it is and its Go type
// (nil when the type has no place for it).
type jsonFrame struct {
	object  bool
	path    string
	typ     reflect.Type
	fields  []jsonField // of a struct
	seen    map[string]bool
	wantKey bool
	current string // the key whose value is read next
	index   int
}

func newJSONFrame(object bool, path string, typ reflect.Type) *jsonFrame {
	for typ != nil && typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	f := &jsonFrame{object: object, path: path, typ: typ, wantKey: object}
	if object {
		f.seen = map[string]bool{}
		if typ != nil && typ.Kind() == reflect.Struct && typ != timeType {
			f.fields = jsonFields(typ)
		}
	}
	return f
}

// key checks a key of the object and makes it the current one.
func (f *jsonFrame) key(key string, problems *misfitList) {
	f.current, f.wantKey = key, false
	field := join(f.path, key)
	if f.seen[key] {
		problems.add(raci.Problem{Field: field, Detail: fmt.Sprintf("The key %q appears more than once in this object: give it once, with the value you mean.", key)})
		return
	}
	f.seen[key] = true
	if f.fields == nil {
		return
	}
	for _, fd := range f.fields {
		if fd.name == key {
			return
		}
	}
	for _, fd := range f.fields {
		if strings.EqualFold(fd.name, key) {
			problems.add(raci.Problem{Field: field, Detail: fmt.Sprintf("The key %q is spelled %q: keys are case-sensitive.", key, fd.name)})
			return
		}
	}
	// An unknown key: the decoder names it with the fields there are.
}

// child returns the path and type of the value read next in the frame.
func (f *jsonFrame) child() (string, reflect.Type) {
	if f.object {
		path := join(f.path, f.current)
		switch {
		case f.fields != nil:
			for _, fd := range f.fields {
				if fd.name == f.current {
					return path, fd.typ
				}
			}
			return path, nil
		case f.typ != nil && f.typ.Kind() == reflect.Map:
			return path, f.typ.Elem()
		}
		return path, nil
	}
	path := fmt.Sprintf("%s[%d]", f.path, f.index)
	if f.typ != nil && f.typ.Kind() == reflect.Slice {
		return path, f.typ.Elem()
	}
	return path, nil
}

// jsonStringFault looks at the raw bytes of one JSON string token, with whatever
// separators and spaces came before it, and says what is not UTF-8 text in it, or
// "" when it all is.
func jsonStringFault(raw []byte) string {
	start := bytes.IndexByte(raw, '"')
	if start < 0 {
		return ""
	}
	s := raw[start:]
	if !utf8.Valid(s) {
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				return fmt.Sprintf("byte %d of the string is 0x%02x", i-1, s[i])
			}
			i += size
		}
	}
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '\\' {
			continue
		}
		if s[i+1] != 'u' {
			i++
			continue
		}
		r, ok := hex4(s, i+2)
		if !ok {
			return ""
		}
		if !utf16.IsSurrogate(r) {
			i += 5
			continue
		}
		if r < 0xdc00 {
			if i+12 <= len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
				if low, ok := hex4(s, i+8); ok && low >= 0xdc00 && low <= 0xdfff {
					i += 11
					continue
				}
			}
		}
		return fmt.Sprintf("%s is half a surrogate pair", s[i:i+6])
	}
	return ""
}

// hex4 reads four hexadecimal digits at s[i:].
func hex4(s []byte, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(s[i:i+4]), 16, 32)
	return rune(n), err == nil
}

// describePath names a field of the body for a sentence: "title", or "the body".
func describePath(path string) string {
	if path == "" {
		return "the body"
	}
	return path
}
