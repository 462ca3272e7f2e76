package format_test

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/format"
	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden from the current output")

// seed003Snapshot is the tenant of seed 003 (Auth0 Private SaaS) as published: three rows
// (configuration, operations-handover, issue-resolution) name no Accountable party,
// recorded as written with accountability unassigned. Rows and parties are out of
// order on purpose.
func seed003Snapshot() *raci.Snapshot {
	at := func(day, hour int) time.Time { return time.Date(2026, time.March, day, hour, 0, 0, 0, time.UTC) }
	a := func(party string, roles string, holder, when string) raci.Assignment {
		var letters []raci.Role
		for _, l := range strings.Split(roles, ",") {
			letters = append(letters, raci.Role(l))
		}
		return raci.Assignment{Party: party, Roles: letters, Holder: holder, When: when}
	}
	const issues = "in the event that there are issues"
	row := func(key, category, title, notes string, assignments ...raci.Assignment) *raci.Responsibility {
		return &raci.Responsibility{Tenant: "initech", Key: key, Category: category, Title: title, Notes: notes,
			Assignments: assignments, Version: 1, CreatedAt: at(1, 9), UpdatedAt: at(1, 9)}
	}
	rows := []*raci.Responsibility{
		row("issue-resolution", "Support", "Issue Resolution",
			"Auth0 will provide support for issues within the *core* of the Private SaaS. Auth0 will *consult* on issues pertaining to integration between Auth0 APIs and Dashboards.",
			a("auth0", "R", "", ""), a("subscriber", "C", "", "")),
		row("preparing-vm-infrastructure", "Deployment",
			"Preparing VM Infrastructure, including: memory, storage, processors, load balances, networks, SSL certificates, DNS records, SMTP servers, enabling Auth0 access via Jumphost/VPN",
			"The subscriber will submit the Private SaaS Infrastructure Checklist when the VMs are ready and the [infrastructure requirements](/private-saas/infrastructure) are met.",
			a("auth0", "C", "", ""), a("subscriber", "R,A", "subscriber's infrastructure engineer", "")),
		row("deployment", "Deployment", "Deployment to Development and Production environments",
			"The Auth0 Customer Success Engineer will SSH into the VMs and deploy the Private SaaS.",
			a("auth0", "A,R", "Auth0 Customer Success Engineer", ""), a("subscriber", "I", "", "")),
		row("configuration", "Deployment", "Configuration of Development and Production environments",
			"The Auth0 CSE will show the subscriber's infrastructure engineer [how to upload the SSL certificates, enter the SMTP credentials, and add administrators](/private-saas/dashboard).",
			a("auth0", "C", "", ""), a("subscriber", "R", "", "")),
		row("operations-handover", "Operations", "Operations Handover",
			"Auth0 Customer Success Engineers will provide a 90-minute Operations Handover meeting to review information regarding Private SaaS monitoring, backup, and updates, as well as answer questions.",
			a("auth0", "R", "", ""), a("subscriber", "C", "", "")),
		row("monitoring", "Operations", "Monitoring",
			"The subscriber is responsible for [monitoring the Private SaaS](/private-saas/monitoring).",
			a("auth0", "I", "", ""), a("subscriber", "R,A", "", "")),
		row("backing-up", "Operations", "Backing Up",
			"The subscriber is responsible for [backing up Private SaaS](/private-saas/disaster-recovery) using the [Command-Line Tools](/private-saas/cli).",
			a("auth0", "I", "", issues), a("subscriber", "R,A", "", "")),
		row("code-integration", "Integration", "Code Integration into Applications",
			"The subscriber is responsible for Auth0 code integration.",
			a("auth0", "I", "", issues), a("auth0", "C", "", ""), a("subscriber", "R,A", "", "")),
		row("user-migration", "Integration", "User Migration (if required)",
			"The subscriber is responsible for migrating users where appropriate.",
			a("auth0", "C", "", ""), a("auth0", "I", "", issues), a("subscriber", "R,A", "", "")),
		row("updates", "Updates", "Updates",
			"Auth0 Customer Success Engineers will partner with the subscriber's infrastructure engineers to update the Private SaaS on an agreed-upon basis. The subscriber is responsible for: taking VM snapshot(s) prior to the update, providing access to the Private SaaS, being present as the Private SaaS updates. Auth0 is responsible for: running manual scripts (if required), informing the subscriber on the status of the upgrade.",
			a("auth0", "R", "", ""), a("subscriber", "R,A", "", "")),
		row("testing-updates", "Updates", "Testing Updates",
			"The subscriber will test the Private SaaS after the Development node has been updated and inform Auth0 about any issues.",
			a("auth0", "C", "", ""), a("auth0", "I", "", "in the event that there are questions/issues"), a("subscriber", "R,A", "", "")),
		row("issue-identification", "Support", "Issue Identification and Support Ticket Submission",
			"The subscriber is responsible for submitting issues via the [Support Center](/onboarding/enterprise-support).",
			a("auth0", "C", "", ""), a("subscriber", "R,A", "", "")),
	}
	published := []string{"preparing-vm-infrastructure", "deployment", "configuration", "operations-handover", "monitoring",
		"backing-up", "code-integration", "user-migration", "updates", "testing-updates", "issue-identification", "issue-resolution"}
	for _, r := range rows {
		switch r.Key {
		case "configuration", "operations-handover", "issue-resolution":
			r.Accountability = raci.AccountabilityUnassigned
		case "user-migration":
			r.Title, r.When = "User Migration", "if required"
		}
		r.Position = slices.Index(published, r.Key) + 1
	}
	// The latest change in the tenant: last-modified follows it.
	rows[5].UpdatedAt = time.Date(2026, time.March, 4, 16, 30, 15, 0, time.UTC)
	return &raci.Snapshot{
		Tenant: &raci.Tenant{
			Name: "initech", DisplayName: "Initech Private SaaS", Customer: "Initech",
			DeploymentModel: raci.PrivateSaaS, Environments: []string{"production", "development"},
			Labels: map[string]string{"region": "eu"}, Scheme: raci.RACI,
			Description: "Who is responsible for what aspects of Initech's Private SaaS installation.",
			Source: &raci.Source{Title: "Auth0 Private SaaS: Roles and Responsibilities", URL: "https://auth0.com/docs/private-saas",
				Revision: "2026-03"},
			Version: 3, CreatedAt: at(1, 8), UpdatedAt: at(2, 8),
		},
		Parties: []*raci.Party{
			{Tenant: "initech", Name: "subscriber", DisplayName: "Subscriber", Kind: raci.Customer,
				Contacts: []string{"#initech-ops", "infra@initech.example"}, UpdatedAt: at(1, 8)},
			{Tenant: "initech", Name: "auth0", DisplayName: "Auth0", Kind: raci.Vendor,
				Contacts: []string{"cse@auth0.example"}, UpdatedAt: at(1, 8)},
		},
		Responsibilities: rows,
	}
}

// golden compares got with testdata/golden/name, or rewrites the file with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read golden file (run the test with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file %s (run with -update if the change is intended):\n%s", name, file, firstDifference(string(want), got))
	}
}

func firstDifference(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, w, g)
		}
	}
	return "(same lines, different bytes)"
}

func TestGoldenSeed003(t *testing.T) {
	s := seed003Snapshot()
	golden(t, "seed003.md", format.Markdown(s))
	golden(t, "seed003.csv", format.CSV(s))
	golden(t, "seed003.json", format.JSON(s))
	golden(t, "seed003.oscal.json", format.OSCAL(s))
}

// Every rendering is a function of the content, not of the order a store returned
// it in.
func TestRenderIgnoresInputOrder(t *testing.T) {
	a, b := seed003Snapshot(), seed003Snapshot()
	slices.Reverse(b.Parties)
	slices.Reverse(b.Responsibilities)
	for _, r := range b.Responsibilities {
		slices.Reverse(r.Assignments)
	}
	for name, render := range map[string]func(*raci.Snapshot) string{
		"Markdown": format.Markdown, "CSV": format.CSV, "JSON": format.JSON, "OSCAL": format.OSCAL,
	} {
		if render(a) != render(b) {
			t.Errorf("%s depends on the order of parties, rows or assignments", name)
		}
	}
}

func TestMarkdownSeed003Cells(t *testing.T) {
	md := format.Markdown(seed003Snapshot())
	for _, want := range []string{
		"|Task|Category|Auth0|Subscriber|Notes|\n",
		"|Code Integration into Applications|Integration|C, I (in the event that there are issues)|R, A|",
		"|Deployment to Development and Production environments|Deployment|R, A (Auth0 Customer Success Engineer)|I|",
		"|C|R, A (subscriber's infrastructure engineer)|",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown of seed 003 lacks %q:\n%s", want, md)
		}
	}
}

func TestCSV(t *testing.T) {
	records, err := csv.NewReader(strings.NewReader(format.CSV(seed003Snapshot()))).ReadAll()
	if err != nil {
		t.Fatalf("CSV is not valid CSV: %v", err)
	}
	if want := []string{"Task", "Key", "Category", "Auth0", "Subscriber", "Notes"}; !slices.Equal(records[0], want) {
		t.Errorf("header = %q, want %q", records[0], want)
	}
	if len(records) != 13 {
		t.Fatalf("%d records, want the header and 12 rows", len(records))
	}
	var found bool
	for _, r := range records[1:] {
		if r[1] == "code-integration" {
			found = true
			want := []string{"Code Integration into Applications", "code-integration", "Integration",
				"C, I (in the event that there are issues)", "R, A", "The subscriber is responsible for Auth0 code integration."}
			if !slices.Equal(r, want) {
				t.Errorf("code-integration = %q, want %q", r, want)
			}
		}
	}
	if !found {
		t.Error("no record for code-integration")
	}

	// What would break a cell in Markdown is kept as written: CSV quotes it.
	s := &raci.Snapshot{
		Tenant:  &raci.Tenant{Name: "acme", Scheme: raci.RACI},
		Parties: []*raci.Party{{Name: "ops", DisplayName: `Ops, "Night" | Shift`}},
		Responsibilities: []*raci.Responsibility{{Key: "k", Title: "Line one\nline two", Notes: "a | b, c",
			Assignments: []raci.Assignment{{Party: "ops", Roles: []raci.Role{raci.Accountable, raci.Responsible}}}}},
	}
	records, err = csv.NewReader(strings.NewReader(format.CSV(s))).ReadAll()
	if err != nil {
		t.Fatalf("CSV with quotes and line breaks is not valid CSV: %v", err)
	}
	want := [][]string{
		{"Task", "Key", "Category", `Ops, "Night" | Shift`, "Notes"},
		{"Line one\nline two", "k", "", "R, A", "a | b, c"},
	}
	if !reflect.DeepEqual(records, want) {
		t.Errorf("records = %q, want %q", records, want)
	}
}

func TestJSON(t *testing.T) {
	var doc format.JSONDocument
	if err := json.Unmarshal([]byte(format.JSON(seed003Snapshot())), &doc); err != nil {
		t.Fatalf("JSON is not valid JSON: %v", err)
	}
	if doc.FormatVersion != 1 || doc.Tenant.Name != "initech" || doc.Scheme != raci.RACI {
		t.Errorf("format %d tenant %q scheme %q", doc.FormatVersion, doc.Tenant.Name, doc.Scheme)
	}
	var keys []string
	for _, r := range doc.Rows {
		keys = append(keys, r.Key)
		if r.Key == "code-integration" {
			want := []format.JSONAssignment{
				{Party: "auth0", Roles: []raci.Role{raci.Consulted}},
				{Party: "auth0", Roles: []raci.Role{raci.Informed}, When: "in the event that there are issues"},
				{Party: "subscriber", Roles: []raci.Role{raci.Responsible, raci.Accountable}},
			}
			if !reflect.DeepEqual(r.Assignments, want) {
				t.Errorf("code-integration assignments = %+v, want %+v", r.Assignments, want)
			}
			if got := r.Cells["auth0"]; got != "C, I (in the event that there are issues)" {
				t.Errorf("code-integration auth0 cell = %q", got)
			}
		}
	}
	// The Markdown's order: categories as they first appear, then position: here the
	// published table's order, in which each category's rows are together.
	want := []string{"preparing-vm-infrastructure", "deployment", "configuration", "operations-handover", "monitoring",
		"backing-up", "code-integration", "user-migration", "updates", "testing-updates", "issue-identification", "issue-resolution"}
	if !slices.Equal(keys, want) {
		t.Errorf("rows = %q, want %q", keys, want)
	}

	// An empty tenant still has every key, with empty lists rather than null.
	empty := format.JSON(&raci.Snapshot{Tenant: &raci.Tenant{Name: "acme", Scheme: raci.RACI}})
	for _, key := range []string{`"parties": []`, `"rows": []`, `"environments": []`} {
		if !strings.Contains(empty, key) {
			t.Errorf("the JSON of an empty tenant lacks %s:\n%s", key, empty)
		}
	}
}

func TestOSCALSeed003(t *testing.T) {
	out := format.OSCAL(seed003Snapshot())
	doc := validateOSCAL(t, out)
	md := as[map[string]any](t, doc["metadata"])
	if md["last-modified"] != "2026-03-04T16:30:15Z" {
		t.Errorf("last-modified = %v, want the latest update in the tenant, 2026-03-04T16:30:15Z", md["last-modified"])
	}
	if md["oscal-version"] != "1.1.2" {
		t.Errorf("oscal-version = %v", md["oscal-version"])
	}

	// The uuids of parties and rows stay the same across renderings and content
	// changes; the document's changes with its content.
	changed := seed003Snapshot()
	changed.Responsibilities[0].Notes = "Changed."
	doc2 := validateOSCAL(t, format.OSCAL(changed))
	if doc["uuid"] == doc2["uuid"] {
		t.Error("the document uuid did not change with the content")
	}
	if !reflect.DeepEqual(partyUUIDs(t, doc), partyUUIDs(t, doc2)) {
		t.Error("party uuids changed with an unrelated edit")
	}
	if out != format.OSCAL(seed003Snapshot()) {
		t.Error("two renderings of the same snapshot differ")
	}
	// Another tenant with the same party names gets other uuids.
	other := seed003Snapshot()
	other.Tenant.Name = "initrode"
	if reflect.DeepEqual(partyUUIDs(t, doc), partyUUIDs(t, validateOSCAL(t, format.OSCAL(other)))) {
		t.Error("two tenants share party uuids")
	}

	// Auth0 is Informed for Backing Up only in the event that there are issues: the
	// condition travels with the role.
	var backingUp map[string]any
	for _, c := range as[[]any](t, doc["components"]) {
		c := as[map[string]any](t, c)
		if c["title"] == "Backing Up" {
			backingUp = c
		}
	}
	if backingUp == nil {
		t.Fatal("no component for Backing Up")
	}
	var informed map[string]any
	for _, rr := range as[[]any](t, backingUp["responsible-roles"]) {
		if rr := as[map[string]any](t, rr); rr["role-id"] == "informed" {
			informed = rr
		}
	}
	if informed == nil {
		t.Fatal("Backing Up has no informed role")
	}
	props, _ := json.Marshal(informed["props"])
	if !strings.Contains(string(props), `"name":"when","ns":"urn:raci-dev:raci:oscal","value":"in the event that there are issues"`) {
		t.Errorf("the informed role of Backing Up lacks the condition: %s", props)
	}
	if informed["remarks"] != "Informed: auth0 (in the event that there are issues)." {
		t.Errorf("remarks = %v", informed["remarks"])
	}
}

// The edge cases OSCAL's types are strict about: line breaks and padding in
// single-line text, names starting with a digit, contacts that are not e-mail
// addresses, an empty tenant, a snapshot without times.
func TestOSCALEdgeCases(t *testing.T) {
	s := &raci.Snapshot{
		Tenant: &raci.Tenant{Name: "0acme", Scheme: raci.DACI},
		Parties: []*raci.Party{
			{Name: "9ops", DisplayName: " Ops\nteam ", Kind: raci.ThirdParty, Contacts: []string{"#ops", "Ops <ops@acme.example>", "ops@acme.example"}},
			{Name: "idle"},
		},
		Responsibilities: []*raci.Responsibility{{
			Key: "1-updates", Title: "  Updates\n\tand patches ", Category: " ",
			Assignments: []raci.Assignment{
				{Party: "9ops", Roles: []raci.Role{raci.Driver, raci.Accountable}, Holder: "on-call\nengineer"},
				{Party: "9ops", Roles: []raci.Role{raci.Informed}, When: " outside\r\nhours "},
				{Party: "ghost", Roles: []raci.Role{raci.Consulted}},
			},
		}},
	}
	doc := validateOSCAL(t, format.OSCAL(s))
	md := as[map[string]any](t, doc["metadata"])
	if md["last-modified"] != "1970-01-01T00:00:00Z" {
		t.Errorf("last-modified without times = %v", md["last-modified"])
	}
	parties := as[[]any](t, md["parties"])
	if len(parties) == 0 {
		t.Fatal("no parties in metadata")
	}
	ops := as[map[string]any](t, parties[0])
	if ops["name"] != "Ops team" || !reflect.DeepEqual(ops["email-addresses"], []any{"ops@acme.example"}) {
		t.Errorf("party 9ops = %v", ops)
	}
	validateOSCAL(t, format.OSCAL(&raci.Snapshot{Tenant: &raci.Tenant{Name: "empty", Scheme: raci.RACI}}))
	validateOSCAL(t, format.OSCAL(&raci.Snapshot{}))
}

func partyUUIDs(t *testing.T, doc map[string]any) []any {
	t.Helper()
	var out []any
	for _, p := range as[[]any](t, as[map[string]any](t, doc["metadata"])["parties"]) {
		out = append(out, as[map[string]any](t, p)["uuid"])
	}
	return out
}

// as returns x as a T, and fails the test when it is something else.
func as[T any](t *testing.T, x any) T {
	t.Helper()
	v, ok := x.(T)
	if !ok {
		t.Fatalf("%v is a %T, want a %T", x, x, v)
	}
	return v
}

// OSCAL 1.1 data types as its JSON schema defines them.
var (
	oscalUUIDPattern   = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[45][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$`)
	oscalTokenPattern  = regexp.MustCompile(`^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$`)
	oscalStringPattern = regexp.MustCompile(`^\S(.*\S)?$`)
	oscalURIPattern    = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+\-.]+:.+$`)
	oscalDateTime      = regexp.MustCompile(`^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}T(2[0-3]|[01][0-9]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$`)
	oscalVersion       = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)
)

// validateOSCAL checks a rendering against the OSCAL 1.1 component-definition model
// for the parts it uses: the allowed and required keys of each object
// (additionalProperties is false throughout), the data type of each value, lists
// with at least one item, party types, unique uuids and role ids, and references
// from responsible-roles to defined roles and parties. It returns the
// component-definition object.
func validateOSCAL(t *testing.T, out string) map[string]any {
	t.Helper()
	if !strings.HasSuffix(out, "\n") {
		t.Error("the document does not end in a newline")
	}
	var root map[string]any
	if err := json.Unmarshal([]byte(out), &root); err != nil {
		t.Fatalf("OSCAL is not valid JSON: %v", err)
	}
	v := &oscalValidator{t: t, uuids: map[string]string{}}
	v.object("", root, []string{"component-definition"}, nil)
	def, ok := root["component-definition"].(map[string]any)
	if !ok {
		t.Fatalf("no component-definition object: %s", out)
	}
	v.object("component-definition", def, []string{"uuid", "metadata"}, []string{"components"})
	v.uuid("component-definition.uuid", def["uuid"])

	md, _ := def["metadata"].(map[string]any)
	v.object("metadata", md, []string{"title", "last-modified", "version", "oscal-version"}, []string{"props", "links", "roles", "parties", "remarks"})
	for i, l := range v.list("metadata.links", md["links"]) {
		at := fmt.Sprintf("metadata.links[%d]", i)
		link := v.asObject(at, l)
		v.object(at, link, []string{"href"}, []string{"rel", "text"})
		if href, _ := link["href"].(string); href == "" {
			t.Errorf("%s.href is empty", at)
		}
		if _, ok := link["rel"]; ok {
			v.token(at+".rel", link["rel"])
		}
		if _, ok := link["text"]; ok {
			v.line(at+".text", link["text"])
		}
	}
	// remarks is markup-multiline: any non-empty text.
	if r, ok := md["remarks"]; ok {
		if s, _ := r.(string); strings.TrimSpace(s) == "" {
			t.Errorf("metadata.remarks = %v, want text", r)
		}
	}
	v.line("metadata.title", md["title"])
	if s, _ := md["last-modified"].(string); !oscalDateTime.MatchString(s) {
		t.Errorf("metadata.last-modified %q is not a date and time with a time zone", s)
	} else if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		t.Errorf("metadata.last-modified %q: %v", s, err)
	}
	v.str("metadata.version", md["version"])
	if s, _ := md["oscal-version"].(string); !oscalVersion.MatchString(s) {
		t.Errorf("metadata.oscal-version %q is not a version", s)
	}
	v.props("metadata.props", md["props"])

	roles := map[string]bool{}
	for i, r := range v.list("metadata.roles", md["roles"]) {
		at := fmt.Sprintf("metadata.roles[%d]", i)
		role := v.asObject(at, r)
		v.object(at, role, []string{"id", "title"}, []string{"description", "props"})
		v.token(at+".id", role["id"])
		v.line(at+".title", role["title"])
		v.props(at+".props", role["props"])
		id, _ := role["id"].(string)
		if roles[id] {
			t.Errorf("%s: role id %q defined twice", at, id)
		}
		roles[id] = true
	}

	parties := map[string]bool{}
	for i, p := range v.list("metadata.parties", md["parties"]) {
		at := fmt.Sprintf("metadata.parties[%d]", i)
		party := v.asObject(at, p)
		v.object(at, party, []string{"uuid", "type"}, []string{"name", "short-name", "props", "email-addresses"})
		v.uuid(at+".uuid", party["uuid"])
		if typ := party["type"]; typ != "person" && typ != "organization" {
			t.Errorf("%s.type = %v, want person or organization", at, typ)
		}
		v.str(at+".name", party["name"])
		v.str(at+".short-name", party["short-name"])
		v.props(at+".props", party["props"])
		for j, e := range v.list(at+".email-addresses", party["email-addresses"]) {
			if s, _ := e.(string); !oscalStringPattern.MatchString(s) || !strings.Contains(s, "@") || strings.ContainsAny(s, "<> ") {
				t.Errorf("%s.email-addresses[%d] = %q is not an e-mail address", at, j, s)
			}
		}
		id, _ := party["uuid"].(string)
		parties[id] = true
	}

	for i, c := range v.list("components", def["components"]) {
		at := fmt.Sprintf("components[%d]", i)
		comp := v.asObject(at, c)
		v.object(at, comp, []string{"uuid", "type", "title", "description"}, []string{"props", "responsible-roles", "remarks"})
		v.uuid(at+".uuid", comp["uuid"])
		v.str(at+".type", comp["type"])
		v.line(at+".title", comp["title"])
		if s, _ := comp["description"].(string); strings.TrimSpace(s) == "" {
			t.Errorf("%s.description is empty", at)
		}
		v.props(at+".props", comp["props"])
		seen := map[string]bool{}
		for j, rr := range v.list(at+".responsible-roles", comp["responsible-roles"]) {
			at := fmt.Sprintf("%s.responsible-roles[%d]", at, j)
			role := v.asObject(at, rr)
			v.object(at, role, []string{"role-id"}, []string{"props", "party-uuids", "remarks"})
			v.token(at+".role-id", role["role-id"])
			id, _ := role["role-id"].(string)
			if !roles[id] {
				t.Errorf("%s.role-id %q is not a role of metadata.roles", at, id)
			}
			// OSCAL: a component names each role once, with all its parties.
			if seen[id] {
				t.Errorf("%s: role %q appears twice in one component", at, id)
			}
			seen[id] = true
			v.props(at+".props", role["props"])
			for k, u := range v.list(at+".party-uuids", role["party-uuids"]) {
				s, _ := u.(string)
				if !oscalUUIDPattern.MatchString(s) || !parties[s] {
					t.Errorf("%s.party-uuids[%d] %q is not the uuid of a party of metadata.parties", at, k, s)
				}
			}
		}
	}
	return def
}

type oscalValidator struct {
	t     *testing.T
	uuids map[string]string // uuid -> where it was defined; every uuid is unique
}

// object checks that m has the required keys and no keys but those and optional.
func (v *oscalValidator) object(at string, m map[string]any, required, optional []string) {
	v.t.Helper()
	if m == nil {
		v.t.Errorf("%s: not an object", at)
		return
	}
	for _, k := range required {
		if _, ok := m[k]; !ok {
			v.t.Errorf("%s: required %q is missing", at, k)
		}
	}
	for k := range m {
		if !slices.Contains(required, k) && !slices.Contains(optional, k) {
			v.t.Errorf("%s: %q is not allowed here", at, k)
		}
	}
}

func (v *oscalValidator) asObject(at string, x any) map[string]any {
	v.t.Helper()
	m, ok := x.(map[string]any)
	if !ok {
		v.t.Errorf("%s: %T is not an object", at, x)
	}
	return m
}

// list returns the items of an optional list; present lists hold at least one.
func (v *oscalValidator) list(at string, x any) []any {
	v.t.Helper()
	if x == nil {
		return nil
	}
	l, ok := x.([]any)
	if !ok || len(l) == 0 {
		v.t.Errorf("%s: want a list of at least one item, got %v", at, x)
	}
	return l
}

func (v *oscalValidator) uuid(at string, x any) {
	v.t.Helper()
	s, _ := x.(string)
	if !oscalUUIDPattern.MatchString(s) {
		v.t.Errorf("%s = %q is not a version 4 or 5 UUID", at, s)
		return
	}
	if prev, dup := v.uuids[s]; dup {
		v.t.Errorf("%s: uuid %s already used at %s", at, s, prev)
	}
	v.uuids[s] = at
}

func (v *oscalValidator) token(at string, x any) {
	v.t.Helper()
	if s, _ := x.(string); !oscalTokenPattern.MatchString(s) {
		v.t.Errorf("%s = %q is not an OSCAL token", at, s)
	}
}

// str checks OSCAL's string type: no leading or trailing whitespace, one line.
func (v *oscalValidator) str(at string, x any) {
	v.t.Helper()
	if x == nil {
		return
	}
	if s, _ := x.(string); !oscalStringPattern.MatchString(s) {
		v.t.Errorf("%s = %q is not an OSCAL string (non-empty, one line, no padding)", at, s)
	}
}

// line checks markup-line: one line of text.
func (v *oscalValidator) line(at string, x any) {
	v.t.Helper()
	if s, ok := x.(string); !ok || s == "" || strings.ContainsAny(s, "\r\n") {
		v.t.Errorf("%s = %q is not a single line of text", at, x)
	}
}

func (v *oscalValidator) props(at string, x any) {
	v.t.Helper()
	for i, p := range v.list(at, x) {
		at := fmt.Sprintf("%s[%d]", at, i)
		prop := v.asObject(at, p)
		v.object(at, prop, []string{"name", "value"}, []string{"ns", "group"})
		v.token(at+".name", prop["name"])
		v.str(at+".value", prop["value"])
		if _, ok := prop["group"]; ok {
			v.token(at+".group", prop["group"])
		}
		if ns, _ := prop["ns"].(string); !oscalURIPattern.MatchString(ns) || ns != format.OSCALNamespace {
			v.t.Errorf("%s.ns = %q, want our namespace %q (an absolute URI)", at, ns, format.OSCALNamespace)
		}
	}
}

// Cells a spreadsheet would run as formulas open as text: OWASP's single-quote guard
// on every cell that starts with = + - @, a tab or a carriage return, headers
// included, and on no other cell.
func TestCSV_guardsFormulas(t *testing.T) {
	s := &raci.Snapshot{
		Tenant:  &raci.Tenant{Name: "acme", Scheme: raci.RACI},
		Parties: []*raci.Party{{Name: "ops", DisplayName: "@ops"}},
		Responsibilities: []*raci.Responsibility{
			{Key: "a", Title: `=HYPERLINK("https://example.com","x")`, Category: "+1", Notes: "-2+3",
				Assignments: []raci.Assignment{{Party: "ops", Roles: []raci.Role{raci.Accountable, raci.Responsible}}}},
			{Key: "b", Title: "\tTabbed", Notes: "\rReturn",
				Assignments: []raci.Assignment{{Party: "ops", Roles: []raci.Role{raci.Accountable, raci.Responsible}}}},
			{Key: "c", Title: "Plain = text", Category: "Ops", Notes: "a@b, 1+1",
				Assignments: []raci.Assignment{{Party: "ops", Roles: []raci.Role{raci.Accountable, raci.Responsible}}}},
		},
	}
	records, err := csv.NewReader(strings.NewReader(format.CSV(s))).ReadAll()
	if err != nil {
		t.Fatalf("not valid CSV: %v", err)
	}
	want := [][]string{
		{"Task", "Key", "Category", "'@ops", "Notes"},
		// Without positions, categories come in the order of their first keys.
		{`'=HYPERLINK("https://example.com","x")`, "a", "'+1", "R, A", "'-2+3"},
		{"'\tTabbed", "b", "", "R, A", "'\rReturn"},
		{"Plain = text", "c", "Ops", "R, A", "a@b, 1+1"},
	}
	if len(records) != len(want) {
		t.Fatalf("%d records, want %d: %q", len(records), len(want), records)
	}
	for i := range want {
		if !slices.Equal(records[i], want[i]) {
			t.Errorf("record %d = %q, want %q", i, records[i], want[i])
		}
	}
}
