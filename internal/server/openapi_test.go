package server

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"schemas"`
		Parameters map[string]struct {
			Name string `json:"name"`
			In   string `json:"in"`
		} `json:"parameters"`
	} `json:"components"`
}

func loadOpenAPI(t *testing.T) openAPIDoc {
	t.Helper()
	s := newTestServer(t, nil, Options{Token: adminToken})
	r := s.do("GET", "/v1/openapi.json", "")
	wantStatus(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var doc openAPIDoc
	r.decode(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	return doc
}

// operations are the HTTP methods OpenAPI path items may hold; other keys
// ("parameters", "summary") are not operations.
var operations = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

// The document and the route table must describe the same API: a route missing
// from the document is undocumented, a documented operation without a route is a
// lie.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := loadOpenAPI(t)

	routed := map[string]bool{}
	for _, rt := range (&Server{}).routes() {
		op := rt.path + " " + strings.ToLower(rt.method)
		routed[op] = true
		item, ok := doc.Paths[rt.path]
		if !ok {
			t.Errorf("route %s %s: path not in the document", rt.method, rt.path)
			continue
		}
		if _, ok := item[strings.ToLower(rt.method)]; !ok {
			t.Errorf("route %s %s: method not in the document", rt.method, rt.path)
		}
	}
	for path, item := range doc.Paths {
		for key := range item {
			if slices.Contains(operations, key) && !routed[path+" "+key] {
				t.Errorf("documented %s %s has no route", strings.ToUpper(key), path)
			}
		}
	}
}

// accessNames are the values of an operation's x-access, which tells readers what
// a token needs for it.
var accessNames = map[access]string{
	public:          "none",
	authenticated:   "token",
	admin:           "admin",
	tenantRead:      "read",
	tenantChecklist: "checklist",
	tenantWrite:     "write",
}

// Each operation documents the access its route needs, as the route table says.
func TestOpenAPIAccessMatchesRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	for _, rt := range (&Server{}).routes() {
		raw, ok := doc.Paths[rt.path][strings.ToLower(rt.method)]
		if !ok {
			continue // TestOpenAPIMatchesRoutes reports it
		}
		var op struct {
			Access   string             `json:"x-access"`
			Security *[]json.RawMessage `json:"security"`
		}
		if err := json.Unmarshal(raw, &op); err != nil {
			t.Fatalf("%s %s: %v", rt.method, rt.path, err)
		}
		want, ok := accessNames[rt.access]
		if !ok {
			t.Fatalf("route %s %s: access %d has no name: add it to accessNames", rt.method, rt.path, rt.access)
		}
		if op.Access != want {
			t.Errorf("%s %s: x-access = %q, the route table says %q", rt.method, rt.path, op.Access, want)
		}
		// Public operations opt out of the document's bearer requirement.
		if open := op.Security != nil && len(*op.Security) == 0; open != (rt.access == public) {
			t.Errorf("%s %s: security %v does not match access %q", rt.method, rt.path, op.Security, want)
		}
	}
}

// Every documented operation lists each status it can answer with, and the path
// parameters it uses are declared.
func TestOpenAPIOperationsAreComplete(t *testing.T) {
	doc := loadOpenAPI(t)
	declared := map[string]bool{}
	for _, p := range doc.Components.Parameters {
		if p.In == "path" {
			declared[p.Name] = true
		}
	}
	for path, item := range doc.Paths {
		for _, seg := range strings.Split(path, "/") {
			if strings.HasPrefix(seg, "{") && !declared[strings.Trim(seg, "{}")] {
				t.Errorf("%s: path parameter %s is not declared", path, seg)
			}
		}
		for method, raw := range item {
			if !slices.Contains(operations, method) {
				continue
			}
			var op struct {
				Access    string                     `json:"x-access"`
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			tenantPath := strings.HasPrefix(path, "/v1/tenants/")
			want := []string{"200"}
			switch {
			case method == "put":
				want = []string{"200", "201", "400", "401", "412", "413", "422", "500"}
			case method == "patch":
				want = []string{"200", "400", "401", "404", "412", "413", "422", "500"}
			case method == "post" && tenantPath:
				want = []string{"200", "400", "401", "404", "409", "412", "413", "422", "500"}
			case method == "post":
				want = []string{"201", "400", "401", "413", "422", "500"}
			case method == "delete" && tenantPath:
				want = []string{"204", "400", "401", "404", "412", "500"}
			case method == "delete":
				want = []string{"204", "401", "404", "500"}
			case tenantPath:
				want = []string{"200", "401", "404", "500"}
			case strings.HasPrefix(path, "/v1/"):
				want = []string{"200", "401"}
			}
			// A name in the path, or a query parameter, that is not UTF-8 or holds
			// a control character is a 400.
			if strings.Contains(path, "{") || hasQuery(doc, raw) {
				want = append(want, "400")
			}
			// What the token lacks decides the rest: an invisible tenant is a 404,
			// too little access a 403.
			switch op.Access {
			case "admin":
				want = append(want, "403")
			case "read":
				want = append(want, "404")
			case "checklist", "write":
				want = append(want, "403", "404")
			}
			for _, status := range want {
				if _, ok := op.Responses[status]; !ok {
					t.Errorf("%s %s does not document %s", strings.ToUpper(method), path, status)
				}
			}
		}
	}
}

// The schemas must name exactly the fields the server reads and writes.
func TestOpenAPISchemasMatchTypes(t *testing.T) {
	doc := loadOpenAPI(t)
	types := map[string]reflect.Type{
		"Tenant":             reflect.TypeOf(raci.Tenant{}),
		"Source":             reflect.TypeOf(raci.Source{}),
		"Party":              reflect.TypeOf(raci.Party{}),
		"Responsibility":     reflect.TypeOf(raci.Responsibility{}),
		"Assignment":         reflect.TypeOf(raci.Assignment{}),
		"Snapshot":           reflect.TypeOf(raci.Snapshot{}),
		"TenantPage":         reflect.TypeOf(raci.Page[*raci.Tenant]{}),
		"PartyPage":          reflect.TypeOf(raci.Page[*raci.Party]{}),
		"ResponsibilityPage": reflect.TypeOf(raci.Page[*raci.Responsibility]{}),
		"Checklist":          reflect.TypeOf(raci.Checklist{}),
		"ChecklistItem":      reflect.TypeOf(raci.ChecklistItem{}),
		"Waiver":             reflect.TypeOf(raci.Waiver{}),
		"ItemPatch":          reflect.TypeOf(raci.ItemPatch{}),
		"PartyRename":        reflect.TypeOf(renameBody{}),
		"Readiness":          reflect.TypeOf(raci.Readiness{}),
		"Blocker":            reflect.TypeOf(raci.Blocker{}),
		"ChecklistPage":      reflect.TypeOf(raci.Page[*raci.Checklist]{}),
		"Token":              reflect.TypeOf(raci.Token{}),
		"Webhook":            reflect.TypeOf(raci.Webhook{}),
		"WebhookList":        reflect.TypeOf(raci.Page[*raci.Webhook]{}),
		"Delivery":           reflect.TypeOf(raci.Delivery{}),
		"DeliveryList":       reflect.TypeOf(raci.Page[*raci.Delivery]{}),
		"NewToken":           reflect.TypeOf(tokenBody{}),
		"CreatedToken":       reflect.TypeOf(createdToken{}),
		"TokenList":          reflect.TypeOf(raci.Page[*raci.Token]{}),
		"Session":            reflect.TypeOf(raci.Session{}),
		"Person":             reflect.TypeOf(raci.Person{}),
		"Access":             reflect.TypeOf(raci.Access{}),
		"AccessList":         reflect.TypeOf(raci.Page[*raci.Access]{}),
		"SessionList":        reflect.TypeOf(raci.Page[*raci.Session]{}),
		"Event":              reflect.TypeOf(raci.Event{}),
		"EventPage":          reflect.TypeOf(raci.Page[*raci.Event]{}),
		"Problem":            reflect.TypeOf(problem{}),
		"FieldProblem":       reflect.TypeOf(raci.Problem{}),
	}
	for name, schema := range doc.Components.Schemas {
		typ, ok := types[name]
		if !ok {
			if len(schema.Properties) > 0 {
				t.Errorf("schema %s has properties but no Go type to check them against: add it to this test", name)
			}
			continue
		}
		var documented []string
		for p := range schema.Properties {
			documented = append(documented, p)
		}
		sort.Strings(documented)
		tags := fieldNames(jsonFields(typ))
		sort.Strings(tags)
		if !slices.Equal(documented, tags) {
			t.Errorf("schema %s has properties %v, %s has JSON fields %v", name, documented, typ, tags)
		}
	}
	for name := range types {
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("schema %s is missing from the document", name)
		}
	}
}

// hasQuery reports whether an operation takes query parameters.
func hasQuery(doc openAPIDoc, op json.RawMessage) bool {
	var o struct {
		Parameters []struct {
			Ref string `json:"$ref"`
			In  string `json:"in"`
		} `json:"parameters"`
	}
	if json.Unmarshal(op, &o) != nil {
		return false
	}
	for _, p := range o.Parameters {
		if p.In == "query" || doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")].In == "query" {
			return true
		}
	}
	return false
}
