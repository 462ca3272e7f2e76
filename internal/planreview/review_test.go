package planreview

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the goldens in testdata from the stored plans (the provider's acceptance test rewrites the plans)")

// The plans in testdata are what the real terraform planned in the provider's
// acceptance test (TestAccReview_goldensFromRealPlans); the review of each must
// match its goldens, in both forms.
func TestReview_goldens(t *testing.T) {
	plans, err := filepath.Glob(filepath.Join("testdata", "*.plan.json"))
	if err != nil || len(plans) < 5 {
		t.Fatalf("want the plans of at least five cases in testdata, found %d (%v)", len(plans), err)
	}
	for _, planFile := range plans {
		name := strings.TrimSuffix(filepath.Base(planFile), ".plan.json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(planFile)
			if err != nil {
				t.Fatal(err)
			}
			rv, err := Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			for ext, got := range map[string][]byte{".md": []byte(rv.Markdown()), ".json": rv.JSON()} {
				golden := filepath.Join("testdata", name+ext)
				if *update {
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs (run with -update after checking):\n--- got\n%s\n--- want\n%s", golden, got, want)
				}
			}
			// The same plan reviewed twice gives the same bytes: nothing depends on
			// map order.
			again, _ := Parse(data)
			if rv.Markdown() != again.Markdown() || !bytes.Equal(rv.JSON(), again.JSON()) {
				t.Error("two reviews of the same plan differ")
			}
		})
	}
}

func TestParse_badInputIsNamed(t *testing.T) {
	for _, tc := range []struct {
		name, input, want string
	}{
		{"empty", "  \n", "the input is empty"},
		{"not JSON", "Terraform will perform the following actions:", "not JSON"},
		{"truncated", `{"format_version": "1.2", "resource_changes": [`, "not JSON"},
		{"array", `[1, 2]`, "not a Terraform plan"},
		{"no format version", `{"resource_changes": []}`, "has no format_version"},
		{"format version a number", `{"format_version": 1, "resource_changes": []}`, "not a Terraform plan"},
		{"unknown major", `{"format_version": "2.0", "resource_changes": []}`, `format_version is "2.0"`},
		{"a state", `{"format_version": "1.0", "values": {"root_module": {}}}`, "a Terraform state, not a plan"},
		{"something else", `{"format_version": "1.0"}`, "no resource_changes nor planned_values"},
		{"two values", `{"format_version": "1.2", "resource_changes": []} {}`, "more than one JSON value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rv, err := Read(strings.NewReader(tc.input))
			if err == nil || rv != nil {
				t.Fatalf("Read accepted %q", tc.input)
			}
			if !IsInputError(err) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q; want an input error containing %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), "terraform show -json") && tc.name != "two values" {
				t.Errorf("error %q does not say what to give instead", err)
			}
		})
	}
}

// plan builds a plan's JSON from the prior state's resources and the changes.
type testPlan struct {
	prior   []map[string]any
	changes []map[string]any
}

func res(typ, name string, values map[string]any) map[string]any {
	return map[string]any{"address": typ + "." + name, "mode": "managed", "type": typ, "name": name, "values": values}
}

func change(typ, name string, actions []string, before, after, afterUnknown any) map[string]any {
	if afterUnknown == nil {
		afterUnknown = map[string]any{}
	}
	return map[string]any{"address": typ + "." + name, "mode": "managed", "type": typ, "name": name,
		"change": map[string]any{"actions": actions, "before": before, "after": after, "after_unknown": afterUnknown}}
}

func rowValues(key string, title any, assignments ...map[string]any) map[string]any {
	as := make([]any, len(assignments))
	for i, a := range assignments {
		as[i] = a
	}
	return map[string]any{"tenant": "acme", "key": key, "title": title, "assignments": as}
}

func as(party string, roles ...string) map[string]any {
	rs := make([]any, len(roles))
	for i, r := range roles {
		rs[i] = r
	}
	return map[string]any{"party": party, "roles": rs, "holder": nil, "when": nil}
}

func partyValues(name, display, kind string) map[string]any {
	return map[string]any{"tenant": "acme", "name": name, "display_name": display, "kind": kind}
}

func (p testPlan) review(t *testing.T) *Review {
	t.Helper()
	resources := make([]any, len(p.prior))
	for i, r := range p.prior {
		resources[i] = r
	}
	changes := make([]any, len(p.changes))
	for i, c := range p.changes {
		changes[i] = c
	}
	data, err := json.Marshal(map[string]any{
		"format_version":   "1.2",
		"prior_state":      map[string]any{"format_version": "1.0", "values": map[string]any{"root_module": map[string]any{"resources": resources}}},
		"resource_changes": changes,
		"planned_values":   map[string]any{},
	})
	if err != nil {
		t.Fatal(err)
	}
	rv, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return rv
}

// Two rows of one plan together take a party's last R: each row alone leaves it one.
func TestReview_lastResponsibleAcrossRows(t *testing.T) {
	backup := rowValues("backup", "Backup", as("vendor", "R"), as("customer", "A"))
	restore := rowValues("restore", "Restore", as("vendor", "R"), as("customer", "A"))
	keep := rowValues("patch", "Patch", as("customer", "A", "R"))
	rv := testPlan{
		prior: []map[string]any{res("raci_responsibility", "backup", backup), res("raci_responsibility", "restore", restore), res("raci_responsibility", "patch", keep)},
		changes: []map[string]any{
			change("raci_responsibility", "backup", []string{"update"}, backup, rowValues("backup", "Backup", as("customer", "A", "R")), nil),
			change("raci_responsibility", "restore", []string{"delete"}, restore, nil, nil),
		},
	}.review(t)
	var got []string
	for _, e := range rv.Effects {
		got = append(got, e.Kind+" "+e.Party+" "+e.Letter)
	}
	if strings.Join(got, "; ") != "loses_last vendor R" {
		t.Errorf("effects %q; want vendor losing its last R", got)
	}
	if !rv.Occurs(FailRemoval) || rv.Occurs(FailAccountability) || rv.Occurs(FailViolation) || rv.Occurs(FailUnassigned) {
		t.Errorf("a deleted row is a removal and nothing else: %+v", rv)
	}
}

// A delete and a create under other addresses with the same title are one row
// re-keyed, and the letters that differ are listed against it.
func TestReview_rekeyBySameTitle(t *testing.T) {
	old := rowValues("backing-up", "Backing Up", as("vendor", "A", "R"), as("customer", "C"))
	next := rowValues("backups", "Backing Up", as("vendor", "R"), as("customer", "A", "C"))
	rv := testPlan{
		prior: []map[string]any{res("raci_responsibility", "old", old)},
		changes: []map[string]any{
			change("raci_responsibility", "old", []string{"delete"}, old, nil, nil),
			change("raci_responsibility", "new", []string{"create"}, nil, next, nil),
		},
	}.review(t)
	if len(rv.Rows) != 1 || rv.Rows[0].Action != ActionRekey || rv.Rows[0].FromRow != "backing-up" || rv.Rows[0].Row != "backups" {
		t.Fatalf("rows %+v; want one rekey from backing-up to backups", rv.Rows)
	}
	if len(rv.Accountability) != 1 || rv.Accountability[0].From != "vendor" || rv.Accountability[0].To != "customer" {
		t.Errorf("accountability %+v; want vendor to customer", rv.Accountability)
	}
	if rv.Occurs(FailRemoval) {
		t.Error("a re-keyed row is not a removal")
	}
	md := rv.Markdown()
	for _, want := range []string{"re-keyed from `backing-up`", "| **A** C |", "| R ~~A~~ |"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}

// A party deleted and another created with the same kind and display name, whose
// rows move to it entirely, is a rename: no letter changes hands.
func TestReview_renameByDeleteAndCreate(t *testing.T) {
	row := rowValues("backup", "Backup", as("cloud", "R"), as("customer", "A"))
	renamed := rowValues("backup", "Backup", as("cloud-ops", "R"), as("customer", "A"))
	p := testPlan{
		prior: []map[string]any{res("raci_responsibility", "backup", row), res("raci_party", "cloud", partyValues("cloud", "Cloud", "vendor"))},
		changes: []map[string]any{
			change("raci_party", "cloud", []string{"delete"}, partyValues("cloud", "Cloud", "vendor"), nil, nil),
			change("raci_party", "cloud_ops", []string{"create"}, nil, partyValues("cloud-ops", "Cloud", "vendor"), nil),
			change("raci_responsibility", "backup", []string{"update"}, row, renamed, nil),
		},
	}
	rv := p.review(t)
	if len(rv.Renames) != 1 || rv.Renames[0].From != "cloud" || rv.Renames[0].To != "cloud-ops" || rv.Renames[0].Rows != 1 {
		t.Fatalf("renames %+v; want cloud renamed cloud-ops in 1 row", rv.Renames)
	}
	if len(rv.Changes) != 0 || len(rv.Rows) != 0 || len(rv.Effects) != 0 || rv.Occurs(FailRemoval) {
		t.Errorf("a rename moves nothing: rows %+v, changes %+v, effects %+v", rv.Rows, rv.Changes, rv.Effects)
	}

	// The same, but the new party takes a letter the old one did not hold: not a
	// rename, a party deleted and one created.
	p.changes[2] = change("raci_responsibility", "backup", []string{"update"}, row, rowValues("backup", "Backup", as("cloud-ops", "R", "C"), as("customer", "A")), nil)
	rv = p.review(t)
	if len(rv.Renames) != 0 || len(rv.Parties) != 2 || !rv.Occurs(FailRemoval) {
		t.Errorf("renames %+v, parties %+v; want no rename, a delete and a create", rv.Renames, rv.Parties)
	}
}

// A holder change keeps the letter: it is neither gained nor lost.
func TestReview_holderChange(t *testing.T) {
	before := rowValues("backup", "Backup", map[string]any{"party": "vendor", "roles": []any{"R"}, "holder": "dba", "when": nil}, as("customer", "A"))
	after := rowValues("backup", "Backup", map[string]any{"party": "vendor", "roles": []any{"R"}, "holder": "sre", "when": nil}, as("customer", "A"))
	rv := testPlan{
		prior:   []map[string]any{res("raci_responsibility", "backup", before)},
		changes: []map[string]any{change("raci_responsibility", "backup", []string{"update"}, before, after, nil)},
	}.review(t)
	if len(rv.Changes) != 1 || rv.Changes[0].Change != HolderChanged || rv.Changes[0].Holder != "sre" || rv.Changes[0].PreviousHolder != "dba" {
		t.Fatalf("changes %+v; want one holder change from dba to sre", rv.Changes)
	}
	if !strings.Contains(rv.Markdown(), "R (~~dba~~ sre)") {
		t.Errorf("Markdown does not show the holder change:\n%s", rv.Markdown())
	}
}

// A row recorded shared or unassigned ends so (an effect, not a violation); a row
// recorded single with two unconditional Accountable parties breaks the rule.
func TestReview_sharedAndUnassigned(t *testing.T) {
	a := rowValues("a", "A", as("vendor", "A", "R"))
	b := rowValues("b", "B", as("vendor", "A", "R"))
	c := rowValues("c", "C", as("vendor", "A", "R"))
	aAfter := rowValues("a", "A", as("vendor", "A", "R"), as("customer", "A"))
	aAfter["accountability"] = "single"
	bAfter := rowValues("b", "B", as("vendor", "R"))
	bAfter["accountability"] = "unassigned"
	cAfter := rowValues("c", "C", as("vendor", "A", "R"), as("customer", "A"))
	cAfter["accountability"] = "shared"
	rv := testPlan{
		prior: []map[string]any{res("raci_responsibility", "a", a), res("raci_responsibility", "b", b), res("raci_responsibility", "c", c),
			res("raci_party", "vendor", partyValues("vendor", "V", "vendor")), res("raci_party", "customer", partyValues("customer", "C", "customer"))},
		changes: []map[string]any{
			change("raci_responsibility", "a", []string{"update"}, a, aAfter, nil),
			change("raci_responsibility", "b", []string{"update"}, b, bAfter, nil),
			change("raci_responsibility", "c", []string{"update"}, c, cAfter, nil),
		},
	}.review(t)
	kinds := map[string]string{}
	for _, e := range rv.Effects {
		if e.Row != "" {
			kinds[e.Row] += e.Kind
		}
	}
	if kinds["a"] != "" || kinds["b"] != EffectEndsUnassigned || kinds["c"] != EffectEndsShared {
		t.Errorf("effects %+v; want b unassigned, c shared, nothing for a", rv.Effects)
	}
	if len(rv.Violations) != 1 || rv.Violations[0].Row != "a" || rv.Violations[0].Rule != "one_accountable" {
		t.Errorf("violations %+v; want only row a's two Accountable parties", rv.Violations)
	}
	var moves []string
	for _, m := range rv.Accountability {
		moves = append(moves, m.Row+":"+m.From+">"+m.To)
	}
	if strings.Join(moves, " ") != "a:vendor>customer, vendor b:vendor> c:vendor>customer, vendor" {
		t.Errorf("accountability moves %q", moves)
	}
	if !rv.Occurs(FailUnassigned) || !rv.Occurs(FailViolation) || !rv.Occurs(FailAccountability) {
		t.Error("-fail-on unassigned, violation and accountability should all fire")
	}
}

// A party holding A only under a condition answers instead of the others when it
// holds: adding one moves nobody's accountability.
func TestReview_conditionalAccountableIsNoMove(t *testing.T) {
	before := rowValues("backup", "Backup", as("vendor", "A", "R"))
	after := rowValues("backup", "Backup", as("vendor", "A", "R"),
		map[string]any{"party": "customer", "roles": []any{"A"}, "holder": nil, "when": "if clients store backups locally"})
	after["accountability"] = "single"
	rv := testPlan{
		prior:   []map[string]any{res("raci_responsibility", "backup", before)},
		changes: []map[string]any{change("raci_responsibility", "backup", []string{"update"}, before, after, nil)},
	}.review(t)
	if len(rv.Accountability) != 0 || len(rv.Violations) != 0 {
		t.Errorf("accountability %+v, violations %+v; want none", rv.Accountability, rv.Violations)
	}
	if len(rv.Changes) != 1 || rv.Changes[0].When != "if clients store backups locally" || rv.Changes[0].Change != Gained {
		t.Errorf("changes %+v; want the customer's conditional A gained", rv.Changes)
	}
	if !strings.Contains(rv.Markdown(), "**A** *when if clients store backups locally*") {
		t.Errorf("Markdown:\n%s", rv.Markdown())
	}
}

// Checklist changes: an item removed, a gate changed, a managed status set.
func TestReview_checklistChanges(t *testing.T) {
	item := func(status any) map[string]any {
		return map[string]any{"title": "DNS", "owner": "customer", "required": true, "position": json.Number("1"), "status": status}
	}
	before := map[string]any{"tenant": "acme", "key": "go-live", "gate": "deploy:staging",
		"items": map[string]any{"dns": item(nil), "smtp": item(nil)}}
	after := map[string]any{"tenant": "acme", "key": "go-live", "gate": "deploy:production",
		"items": map[string]any{"dns": item("done")}}
	rv := testPlan{
		prior:   []map[string]any{res("raci_checklist", "go", before), res("raci_party", "customer", partyValues("customer", "C", "customer"))},
		changes: []map[string]any{change("raci_checklist", "go", []string{"update"}, before, after, nil)},
	}.review(t)
	var got []string
	for _, c := range rv.Checklists {
		got = append(got, c.Change+":"+c.Item+":"+c.From+">"+c.To)
	}
	want := "gate::deploy:staging>deploy:production; status:dns:>done; item_removed:smtp:>"
	if strings.Join(got, "; ") != want {
		t.Errorf("checklist changes %q; want %q", strings.Join(got, "; "), want)
	}
	if !rv.Occurs(FailRemoval) {
		t.Error("a removed item is a removal")
	}
}

func FuzzParse(f *testing.F) {
	plans, _ := filepath.Glob(filepath.Join("testdata", "*.plan.json"))
	for _, p := range plans {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[{"mode":"managed","type":"raci_responsibility","change":{"actions":["update"],"before":{"assignments":7},"after":{"assignments":[{"roles":"R"}]},"after_unknown":{"assignments":[true,{"roles":[1]}]}}}]}`))
	f.Add([]byte(`{"format_version":"1","planned_values":null,"prior_state":{"values":{"root_module":{"resources":[{"mode":"managed","type":"raci_tenant","values":{"scheme":3}}]}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rv, err := Parse(data)
		if err != nil {
			if !IsInputError(err) {
				t.Fatalf("an error that is not an input error: %v", err)
			}
			return
		}
		_ = rv.Markdown()
		var out map[string]any
		if err := json.Unmarshal(rv.JSON(), &out); err != nil {
			t.Fatalf("the JSON form is not JSON: %v", err)
		}
		for _, k := range FailKinds {
			rv.Occurs(k)
		}
	})
}

// A row whose key changes in the configuration is replaced at the same address:
// that is a rekey too, and a row moved to another tenant is a replace.
func TestReview_replaceAtSameAddress(t *testing.T) {
	before := rowValues("backing-up", "Backing Up", as("vendor", "A", "R"))
	rekeyed := rowValues("backups", "Backing Up", as("vendor", "A", "R"))
	moved := rowValues("backing-up", "Backing Up", as("vendor", "A", "R"))
	moved["tenant"] = "initech"
	for _, tc := range []struct {
		after      map[string]any
		action     string
		changes    int
		md         string
		tenantRows int
	}{
		{rekeyed, ActionRekey, 0, "re-keyed from `backing-up`", 0},
		{moved, ActionReplace, 2, "replaced (from tenant `acme`)", 0},
	} {
		rv := testPlan{
			prior:   []map[string]any{res("raci_responsibility", "row", before)},
			changes: []map[string]any{change("raci_responsibility", "row", []string{"delete", "create"}, before, tc.after, nil)},
		}.review(t)
		if len(rv.Rows) != 1 || rv.Rows[0].Action != tc.action {
			t.Errorf("rows %+v; want one %s", rv.Rows, tc.action)
		}
		if len(rv.Changes) != tc.changes {
			t.Errorf("%s: changes %+v; want %d", tc.action, rv.Changes, tc.changes)
		}
		if !strings.Contains(rv.Markdown(), tc.md) {
			t.Errorf("%s: Markdown lacks %q:\n%s", tc.action, tc.md, rv.Markdown())
		}
	}
}

// Known values are read as known even when a sibling attribute is unknown; a row
// whose title is unknown is named, and its letters still compared.
func TestReview_unknownTitleKeepsLetters(t *testing.T) {
	before := rowValues("patch", "Patch", as("vendor", "R"), as("customer", "A"))
	after := rowValues("patch", nil, as("vendor", "R", "A"))
	delete(after, "title")
	rv := testPlan{
		prior:   []map[string]any{res("raci_responsibility", "patch", before)},
		changes: []map[string]any{change("raci_responsibility", "patch", []string{"update"}, before, after, map[string]any{"title": true})},
	}.review(t)
	if len(rv.Unknown) != 1 || strings.Join(rv.Unknown[0].Attributes, ",") != "title" {
		t.Errorf("unknown %+v; want the title", rv.Unknown)
	}
	if len(rv.Accountability) != 1 || rv.Accountability[0].From != "customer" || rv.Accountability[0].To != "vendor" {
		t.Errorf("accountability %+v; want customer to vendor", rv.Accountability)
	}
	if !strings.Contains(rv.Markdown(), "title known after apply") {
		t.Errorf("Markdown does not name the unknown title:\n%s", rv.Markdown())
	}
}
