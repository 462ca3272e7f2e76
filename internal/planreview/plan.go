// Package planreview reads the JSON form of a saved Terraform plan (`terraform show
// -json PLANFILE`) and tells what it does to a RACI matrix: which party gains and
// loses which letter in which row, renamed parties, accountability moves, the effects
// across each tenant, the rules the planned matrix breaks, checklist changes, and the
// values that stay unknown until apply. It reads only the raci_* resources, needs no
// server, and does no I/O beyond the reader it is given.
package planreview

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// MaxPlanSize bounds what Read accepts: a plan of tens of thousands of rows is far
// below it.
const MaxPlanSize = 256 << 20

// InputError is bad input: not JSON, not a plan, a format version this reader does
// not know. Its message says which and what to do.
type InputError struct{ msg string }

func (e *InputError) Error() string { return e.msg }

func inputErrorf(format string, args ...any) error {
	return &InputError{msg: fmt.Sprintf(format, args...)}
}

// IsInputError reports whether err is bad input rather than a failure to read.
func IsInputError(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

// plan is the part of `terraform show -json` that the review reads.
type plan struct {
	FormatVersion   *string          `json:"format_version"`
	ResourceChanges []resourceChange `json:"resource_changes"`
	PriorState      *struct {
		Values *struct {
			RootModule module `json:"root_module"`
		} `json:"values"`
	} `json:"prior_state"`
	PlannedValues   json.RawMessage `json:"planned_values"`
	TerraformValues json.RawMessage `json:"values"`
}

type module struct {
	Resources    []stateResource `json:"resources"`
	ChildModules []module        `json:"child_modules"`
}

type stateResource struct {
	Address string         `json:"address"`
	Mode    string         `json:"mode"`
	Type    string         `json:"type"`
	Values  map[string]any `json:"values"`
}

type resourceChange struct {
	Address string `json:"address"`
	Mode    string `json:"mode"`
	Type    string `json:"type"`
	Change  struct {
		Actions      []string `json:"actions"`
		Before       any      `json:"before"`
		After        any      `json:"after"`
		AfterUnknown any      `json:"after_unknown"`
	} `json:"change"`
}

// Read decodes a plan's JSON and reviews it. Bad input is an *InputError.
func Read(r io.Reader) (*Review, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxPlanSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading the plan: %w", err)
	}
	if len(data) > MaxPlanSize {
		return nil, inputErrorf("the input is larger than %d MiB: give the JSON of one plan, from `terraform show -json PLANFILE`", MaxPlanSize>>20)
	}
	return Parse(data)
}

// Parse reviews a plan's JSON. Bad input is an *InputError.
func Parse(data []byte) (*Review, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, inputErrorf("the input is empty: give the JSON of a saved plan, from `terraform show -json PLANFILE`")
	}
	var p plan
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	if err := dec.Decode(&p); err != nil {
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syntax):
			return nil, inputErrorf("the input is not JSON (%s at byte %d): give the output of `terraform show -json PLANFILE`, not of `terraform plan`", syntax.Error(), syntax.Offset)
		case errors.As(err, &typ):
			return nil, inputErrorf("the input is not a Terraform plan: %q holds a %s where a plan has a %s; give the output of `terraform show -json PLANFILE`", typ.Field, typ.Value, typ.Type)
		default:
			return nil, inputErrorf("the input is not JSON (%s): give the output of `terraform show -json PLANFILE`", err)
		}
	}
	if dec.More() {
		return nil, inputErrorf("the input holds more than one JSON value: give the JSON of one plan")
	}
	if p.FormatVersion == nil {
		return nil, inputErrorf("the input is not a Terraform plan (it has no format_version): give the output of `terraform show -json PLANFILE`")
	}
	major, _, _ := strings.Cut(*p.FormatVersion, ".")
	if major != "1" {
		return nil, inputErrorf("the plan's format_version is %q; this review reads version 1.x, as written by Terraform 1.x: use a Terraform 1.x `terraform show -json`, or a newer terraform-provider-raci", *p.FormatVersion)
	}
	if p.PlannedValues == nil && p.ResourceChanges == nil {
		if p.TerraformValues != nil {
			return nil, inputErrorf("the input is a Terraform state, not a plan: save a plan with `terraform plan -out=PLANFILE`, then give `terraform show -json PLANFILE`")
		}
		return nil, inputErrorf("the input is not a Terraform plan (it has no resource_changes nor planned_values): give the output of `terraform show -json PLANFILE`")
	}
	return review(&p), nil
}

// prior returns every managed raci_* resource of the plan's prior state, by address.
func (p *plan) prior() map[string]stateResource {
	out := map[string]stateResource{}
	if p.PriorState == nil || p.PriorState.Values == nil {
		return out
	}
	var walk func(m module, depth int)
	walk = func(m module, depth int) {
		if depth > 64 {
			return
		}
		for _, r := range m.Resources {
			if r.Mode == "managed" && strings.HasPrefix(r.Type, "raci_") && r.Values != nil {
				out[r.Address] = r
			}
		}
		for _, c := range m.ChildModules {
			walk(c, depth+1)
		}
	}
	walk(p.PriorState.Values.RootModule, 0)
	return out
}

// value is an attribute value of a resource, with its unknown marks: after_unknown
// mirrors the value, true where Terraform knows the value only after apply.
type value struct {
	v       any
	unknown any
}

func (v value) get(name string) value {
	m, _ := v.v.(map[string]any)
	var u any
	switch um := v.unknown.(type) {
	case map[string]any:
		u = um[name]
	case bool:
		u = um
	}
	var inner any
	if m != nil {
		inner = m[name]
	}
	return value{v: inner, unknown: u}
}

// isUnknown reports whether the value or anything inside it is unknown.
func (v value) isUnknown() bool { return anyTrue(v.unknown, 0) }

func anyTrue(u any, depth int) bool {
	if depth > 64 {
		return true
	}
	switch t := u.(type) {
	case bool:
		return t
	case map[string]any:
		for _, e := range t {
			if anyTrue(e, depth+1) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if anyTrue(e, depth+1) {
				return true
			}
		}
	}
	return false
}

// str returns the string, "" for null or another type.
func (v value) str() string {
	s, _ := v.v.(string)
	return s
}

func (v value) isNull() bool { return v.v == nil && !v.isUnknown() }

func (v value) boolean() (b, ok bool) {
	b, ok = v.v.(bool)
	return b, ok
}

func (v value) number() string {
	switch n := v.v.(type) {
	case json.Number:
		return n.String()
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return ""
}

// list returns the elements of a list or set with their unknown marks.
func (v value) list() []value {
	items, _ := v.v.([]any)
	marks, _ := v.unknown.([]any)
	whole, _ := v.unknown.(bool)
	out := make([]value, 0, len(items))
	for i, it := range items {
		var u any = whole
		if i < len(marks) {
			u = marks[i]
		}
		out = append(out, value{v: it, unknown: u})
	}
	return out
}

// entries returns a map's keys, sorted, and its values.
func (v value) entries() ([]string, map[string]value) {
	m, _ := v.v.(map[string]any)
	keys := make([]string, 0, len(m))
	out := map[string]value{}
	for k := range m {
		keys = append(keys, k)
		out[k] = v.get(k)
	}
	sort.Strings(keys)
	return keys, out
}

// strings returns the string elements of a list or set, sorted.
func (v value) strings() []string {
	var out []string
	for _, e := range v.list() {
		if s, ok := e.v.(string); ok {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// row is a raci_responsibility as the review sees it.
type row struct {
	address        string
	tenant         string
	key            string
	title          string
	when           string
	optional       bool
	accountability string
	assignments    []raci.Assignment
	// unknown names the attributes known only after apply that the review reads.
	unknown []string
}

func (r *row) knownAssignments() bool {
	for _, u := range r.unknown {
		if u == "assignments" {
			return false
		}
	}
	return true
}

func (r *row) titleUnknown() bool {
	for _, u := range r.unknown {
		if u == "title" {
			return true
		}
	}
	return false
}

func (r *row) known() bool { return len(r.unknown) == 0 }

// domain returns the row as the domain type, for the rules.
func (r *row) domain() *raci.Responsibility {
	d := &raci.Responsibility{Tenant: r.tenant, Key: r.key, Title: r.title, When: r.when, Optional: r.optional,
		Accountability: raci.Accountability(r.accountability), Assignments: append([]raci.Assignment(nil), r.assignments...)}
	d.Normalize()
	return d
}

// readRow reads a responsibility's values. A plan made by a provider before rows
// recorded their accountability has none: the letters tell it.
func readRow(address string, v value) *row {
	r := &row{address: address}
	for _, name := range []string{"tenant", "key", "title", "accountability", "assignments"} {
		if v.get(name).isUnknown() {
			r.unknown = append(r.unknown, name)
		}
	}
	r.tenant, r.key, r.title = v.get("tenant").str(), v.get("key").str(), v.get("title").str()
	r.accountability = v.get("accountability").str()
	r.when = v.get("when").str()
	r.optional, _ = v.get("optional").boolean()
	if r.knownAssignments() {
		for _, a := range v.get("assignments").list() {
			as := raci.Assignment{Party: a.get("party").str(), Holder: a.get("holder").str(), When: a.get("when").str()}
			for _, l := range a.get("roles").strings() {
				as.Roles = append(as.Roles, raci.Role(l))
			}
			as.Roles = raci.SortRoles(as.Roles)
			r.assignments = append(r.assignments, as)
		}
		d := &raci.Responsibility{Assignments: r.assignments}
		d.Normalize()
		r.assignments = d.Assignments
		if r.accountability == "" && !v.get("accountability").isUnknown() {
			// A plan made before rows recorded their accountability: what the
			// letters show.
			r.accountability = string(raci.AccountabilityOf(r.assignments))
		}
	}
	return r
}

// party is a raci_party as the review sees it.
type party struct {
	tenant, name, displayName, kind string
	unknown                         bool
}

func readParty(v value) *party {
	return &party{
		tenant: v.get("tenant").str(), name: v.get("name").str(),
		displayName: v.get("display_name").str(), kind: v.get("kind").str(),
		unknown: v.get("tenant").isUnknown() || v.get("name").isUnknown(),
	}
}

// tenant is a raci_tenant as the review sees it.
type tenant struct {
	name          string
	scheme        string
	schemeUnknown bool
}

func readTenant(v value) *tenant {
	t := &tenant{name: v.get("name").str(), scheme: v.get("scheme").str(), schemeUnknown: v.get("scheme").isUnknown()}
	if t.scheme == "" && !t.schemeUnknown {
		t.scheme = string(raci.DefaultScheme)
	}
	return t
}
