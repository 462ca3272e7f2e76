package format_test

import (
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/format"
	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func TestMarkdownSeedShape(t *testing.T) {
	// Rows and parties arrive out of order on purpose: the table must not depend on
	// the order a store returns them in.
	s := &raci.Snapshot{
		Tenant: &raci.Tenant{Name: "acme", Scheme: raci.RACI},
		Parties: []*raci.Party{
			{Tenant: "acme", Name: "subscriber", DisplayName: "Subscriber", Kind: raci.Customer},
			{Tenant: "acme", Name: "auth0", DisplayName: "Auth0", Kind: raci.Vendor},
		},
		Responsibilities: []*raci.Responsibility{
			{
				Key: "code-integration", Title: "Code Integration into Applications", Category: "operation", Position: 3,
				Notes: "The subscriber is responsible for Auth0 code integration.",
				Assignments: []raci.Assignment{
					{Party: "auth0", Roles: []raci.Role{raci.Informed}, When: "in the event that there are issues"},
					{Party: "auth0", Roles: []raci.Role{raci.Consulted}},
					{Party: "subscriber", Roles: []raci.Role{raci.Accountable, raci.Responsible}},
				},
			},
			{
				Key: "backing-up", Title: "Backing Up", Category: "operation", Position: 2,
				Assignments: []raci.Assignment{
					{Party: "auth0", Roles: []raci.Role{raci.Informed}, When: "in the event that there are issues"},
					{Party: "subscriber", Roles: []raci.Role{raci.Responsible, raci.Accountable}},
				},
			},
			{
				Key: "preparing-vm-infrastructure", Title: "Preparing VM Infrastructure", Category: "deployment", Position: 1,
				Notes: "The subscriber will submit the Private SaaS Infrastructure Checklist.",
				Assignments: []raci.Assignment{
					{Party: "auth0", Roles: []raci.Role{raci.Consulted}},
					{Party: "subscriber", Roles: []raci.Role{raci.Responsible, raci.Accountable}, Holder: "subscriber's infrastructure engineer"},
				},
			},
		},
	}
	want := "" +
		"|Task|Category|Auth0|Subscriber|Notes|\n" +
		"|---|---|---|---|---|\n" +
		"|Preparing VM Infrastructure|deployment|C|R, A (subscriber's infrastructure engineer)|The subscriber will submit the Private SaaS Infrastructure Checklist.|\n" +
		"|Backing Up|operation|I (in the event that there are issues)|R, A||\n" +
		"|Code Integration into Applications|operation|C, I (in the event that there are issues)|R, A|The subscriber is responsible for Auth0 code integration.|\n"
	if got := format.Markdown(s); got != want {
		t.Errorf("Markdown() =\n%s\nwant\n%s", got, want)
	}
}

// Rows recorded as shared or unassigned are listed after the table as open points,
// the shared ones with their Accountable parties; a conditional A leaves nothing open.
func TestMarkdownOpenPoints(t *testing.T) {
	s := &raci.Snapshot{
		Tenant: &raci.Tenant{Name: "acme", Scheme: raci.RACI},
		Parties: []*raci.Party{
			{Tenant: "acme", Name: "vendor", DisplayName: "Workato"},
			{Tenant: "acme", Name: "customer", DisplayName: "Customer"},
		},
		Responsibilities: []*raci.Responsibility{
			{Key: "security", Title: "Security and *data* management", Accountability: raci.AccountabilityShared, Assignments: []raci.Assignment{
				{Party: "vendor", Roles: []raci.Role{raci.Responsible, raci.Accountable}},
				{Party: "customer", Roles: []raci.Role{raci.Responsible, raci.Accountable}},
			}},
			{Key: "configuration", Title: "Configuration", Accountability: raci.AccountabilityUnassigned, Assignments: []raci.Assignment{
				{Party: "vendor", Roles: []raci.Role{raci.Consulted}},
				{Party: "customer", Roles: []raci.Role{raci.Responsible}},
			}},
			{Key: "backup", Title: "Backup", Assignments: []raci.Assignment{
				{Party: "vendor", Roles: []raci.Role{raci.Responsible, raci.Accountable}},
				{Party: "customer", Roles: []raci.Role{raci.Accountable}, When: "if clients store backups locally"},
			}},
		},
	}
	want := "" +
		"|Task|Customer|Workato|\n" +
		"|---|---|---|\n" +
		"|Backup|A (if clients store backups locally)|R, A|\n" +
		"|Configuration|R|C|\n" +
		"|Security and \\*data\\* management|R, A|R, A|\n" +
		"\n" +
		"Open points:\n" +
		"\n" +
		"- **Configuration**: no party is Accountable; who answers is for the parties to settle.\n" +
		"- **Security and \\*data\\* management**: Accountable together: Customer, Workato; who answers for what is for the parties to settle.\n"
	got := format.Markdown(s)
	if got != want {
		t.Errorf("Markdown() =\n%s\nwant\n%s", got, want)
	}
	rows, err := format.ParseMarkdown(got)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []raci.Accountability{raci.AccountabilitySingle, raci.AccountabilityUnassigned, raci.AccountabilityShared} {
		if rows[i].Accountability != want {
			t.Errorf("row %q parsed back with accountability %q, want %q", rows[i].Key, rows[i].Accountability, want)
		}
	}
}

func TestMarkdownOmitsNotesWithoutNotes(t *testing.T) {
	s := &raci.Snapshot{
		Tenant:  &raci.Tenant{Name: "acme", Scheme: raci.RACI},
		Parties: []*raci.Party{{Name: "vendor", DisplayName: "Vendor"}},
		Responsibilities: []*raci.Responsibility{{
			Key: "monitoring", Title: "Monitoring",
			Assignments: []raci.Assignment{{Party: "vendor", Roles: []raci.Role{raci.Responsible, raci.Accountable}}},
		}},
	}
	want := "|Task|Vendor|\n|---|---|\n|Monitoring|R, A|\n"
	if got := format.Markdown(s); got != want {
		t.Errorf("Markdown() =\n%s\nwant\n%s", got, want)
	}
}

func TestMarkdownEscapesAndEdgeCases(t *testing.T) {
	s := &raci.Snapshot{
		Tenant: &raci.Tenant{Name: "acme", Scheme: raci.DACI},
		Parties: []*raci.Party{
			{Name: "ops"}, // no display name: the column is headed by the name
			{Name: "customer", DisplayName: "Customer | Inc."},
			{Name: "auditor", DisplayName: "Auditor"}, // assigned nothing: an empty column
		},
		Responsibilities: []*raci.Responsibility{{
			Key: "updates", Title: "Updates\nand patches", Category: "operation",
			Notes: "Line one\r\nline two | with a pipe",
			Assignments: []raci.Assignment{
				{Party: "ops", Roles: []raci.Role{raci.Accountable, raci.Driver}},
				{Party: "customer", Roles: []raci.Role{raci.Informed}, Holder: "on-call", When: "outside business hours"},
				{Party: "customer", Roles: []raci.Role{raci.Consulted}, When: "before a major version"},
			},
		}},
	}
	want := "" +
		"|Task|Category|Auditor|Customer \\| Inc.|ops|Notes|\n" +
		"|---|---|---|---|---|---|\n" +
		"|Updates and patches|operation||C (before a major version), I (on-call) (outside business hours)|D, A|Line one line two \\| with a pipe|\n"
	if got := format.Markdown(s); got != want {
		t.Errorf("Markdown() =\n%s\nwant\n%s", got, want)
	}
}

func TestMarkdownEmptyTenant(t *testing.T) {
	s := &raci.Snapshot{Tenant: &raci.Tenant{Name: "acme"}}
	if got, want := format.Markdown(s), "|Task|\n|---|\n"; got != want {
		t.Errorf("Markdown() = %q, want %q", got, want)
	}
}

// The tenant's description and source come before the table, and neither a table
// nor a code fence in the description keeps ParseMarkdown from the matrix.
func TestMarkdownIntro(t *testing.T) {
	s := &raci.Snapshot{
		Tenant: &raci.Tenant{Name: "acme", Scheme: raci.RACI,
			Description: "Our *contract*.\n| a | b |\n|---|---|\n| x | y |\n```\nnot closed",
			Source:      &raci.Source{Title: "Roles [and] Responsibilities", URL: "https://vendor.example/raci", Revision: "v2"}},
		Parties: []*raci.Party{{Tenant: "acme", Name: "vendor", DisplayName: "Vendor"}},
		Responsibilities: []*raci.Responsibility{{Tenant: "acme", Key: "backups", Title: "Backups",
			Assignments: []raci.Assignment{{Party: "vendor", Roles: []raci.Role{raci.Responsible, raci.Accountable}}}}},
	}
	got := format.Markdown(s)
	want := "Our *contract*.\n\\| a \\| b \\|\n\\|---\\|---\\|\n\\| x \\| y \\|\n\\```\nnot closed\n\n" +
		"Source: [Roles \\[and\\] Responsibilities, v2](<https://vendor.example/raci>)\n\n" +
		"|Task|Vendor|\n|---|---|\n|Backups|R, A|\n"
	if got != want {
		t.Errorf("Markdown() =\n%s\nwant\n%s", got, want)
	}
	rows, err := format.ParseMarkdown(got)
	if err != nil || len(rows) != 1 || rows[0].Key != "backups" {
		t.Errorf("ParseMarkdown of the rendering = %+v, %v; want the one row", rows, err)
	}
	// A source with a URL only is an autolink; without a URL, the title alone.
	s.Tenant.Description = ""
	s.Tenant.Source = &raci.Source{URL: "https://vendor.example/raci"}
	if got := format.Markdown(s); !strings.HasPrefix(got, "Source: <https://vendor.example/raci>\n\n|Task|") {
		t.Errorf("Markdown() with a URL-only source =\n%s", got)
	}
	s.Tenant.Source = &raci.Source{Title: "Contract", Revision: "2026-03"}
	if got := format.Markdown(s); !strings.HasPrefix(got, "Source: Contract, 2026-03\n\n|Task|") {
		t.Errorf("Markdown() with a source without URL =\n%s", got)
	}
}
