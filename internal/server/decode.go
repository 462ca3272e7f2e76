package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// maxBodySize bounds request bodies; the largest valid object (a row with every
// assignment and text at its limit) is far below it.
const maxBodySize = 1 << 20

// decodeBody reads the request body as one JSON object into v. Unknown fields and
// values of the wrong type are EINVALID problems that name the field the way
// validation does ("assignments[0].roles"), and so are keys given twice or in
// another case than the field's; a body that is not JSON, or not UTF-8, is a 400.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodySize))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return raci.Errorf(raci.ETOOLARGE, "The request body is larger than %d bytes (1 MiB): send a smaller object.", maxBodySize)
		}
		return fmt.Errorf("read request body: %w", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("", "The request body is empty: send the object as JSON.")
	}
	if err := checkJSONText(body, reflect.TypeOf(v)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			return badRequest("", "The request body holds more than one JSON value: send exactly one object.")
		}
		return nil
	}

	var syntax *json.SyntaxError
	if errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) {
		return badRequest("", "The request body is not valid JSON: %v.", err)
	}
	// The decoder stops at the first misfit and names nested unknown fields without
	// their path, so the body is walked again to name every misfit in full.
	var doc any
	if json.Unmarshal(body, &doc) == nil {
		if _, isObject := doc.(map[string]any); !isObject {
			return badRequest("", "The request body must be a JSON object, not %s.", jsonKind(doc))
		}
		var m misfitList
		if m.misfits(doc, reflect.TypeOf(v), ""); m.total > 0 {
			return raci.InvalidCounted(m.total, m.problems...)
		}
	}
	// Not expected: the walk agrees with the decoder. Say what the decoder said.
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return raci.Invalid(raci.Problem{Field: typeErr.Field, Detail: fmt.Sprintf("Wrong type: %s is not allowed here.", typeErr.Value)})
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return raci.Invalid(raci.Problem{Field: strings.Trim(name, `"`), Detail: "Unknown field: remove it or check its spelling."})
	}
	return badRequest("", "The request body could not be read as the object: %v.", err)
}

var timeType = reflect.TypeOf(time.Time{})

// misfitList collects misfits: it counts them all but keeps only the first
// raci.MaxProblems, so that a body of many bad elements costs no more memory than
// a body of a few.
type misfitList struct {
	problems []raci.Problem
	total    int
}

func (m *misfitList) add(p raci.Problem) {
	m.total++
	if len(m.problems) < raci.MaxProblems {
		m.problems = append(m.problems, p)
	}
}

// misfits adds to m every place where the JSON value v does not fit the Go type t:
// a key t has no field for, or a value of the wrong kind. Paths use the form of
// validation problems: "assignments[1].roles[0]", "labels.team".
func (m *misfitList) misfits(v any, t reflect.Type, path string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return // null leaves the zero value, which validation judges
	}
	wrong := func() {
		m.add(raci.Problem{Field: path, Detail: fmt.Sprintf("Wrong type: must be %s, not %s.", typeKind(t), jsonKind(v))})
	}
	if t == timeType {
		str, ok := v.(string)
		if !ok {
			wrong()
			return
		}
		if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
			m.add(raci.Problem{Field: path, Detail: fmt.Sprintf("Must be a timestamp such as \"2025-01-31T09:30:00Z\" (RFC 3339), not %q.", str)})
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			wrong()
			return
		}
		fields := jsonFields(t)
		for _, k := range sortedKeys(obj) {
			ft, ok := lookupField(fields, k)
			if !ok {
				m.add(raci.Problem{Field: join(path, k), Detail: fmt.Sprintf("Unknown field %q: remove it or check its spelling; the fields here are %s.", k, strings.Join(fieldNames(fields), ", "))})
				continue
			}
			m.misfits(obj[k], ft, join(path, k))
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			wrong()
			return
		}
		for _, k := range sortedKeys(obj) {
			m.misfits(obj[k], t.Elem(), join(path, k))
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			wrong()
			return
		}
		for i, e := range arr {
			m.misfits(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			wrong()
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			wrong()
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if f, ok := v.(float64); !ok || f != float64(int64(f)) {
			wrong()
		}
	case reflect.Float32, reflect.Float64:
		if _, ok := v.(float64); !ok {
			wrong()
		}
	}
}

type jsonField struct {
	name string
	typ  reflect.Type
}

// jsonFields lists the fields encoding/json reads into a struct, by their JSON name.
// The fields of an untagged embedded struct are promoted, and a field of the outer
// struct shadows a promoted one of the same name, as encoding/json does.
func jsonFields(t reflect.Type) []jsonField {
	var fields, promoted []jsonField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			promoted = append(promoted, jsonFields(f.Type)...)
			continue
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields = append(fields, jsonField{name: name, typ: f.Type})
	}
	for _, p := range promoted {
		if _, shadowed := lookupField(fields, p.name); !shadowed {
			fields = append(fields, p)
		}
	}
	return fields
}

// lookupField matches a key the way encoding/json does: exactly, else ignoring case.
func lookupField(fields []jsonField, key string) (reflect.Type, bool) {
	for _, f := range fields {
		if f.name == key {
			return f.typ, true
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f.name, key) {
			return f.typ, true
		}
	}
	return nil, false
}

func fieldNames(fields []jsonField) []string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return names
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// typeKind says in JSON terms what a Go type accepts.
func typeKind(t reflect.Type) string {
	if t == timeType {
		return "a timestamp string (RFC 3339)"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return t.String()
}

// jsonKind says what kind of JSON value v is.
func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64:
		if x != float64(int64(x)) {
			return "a fractional number"
		}
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}
