package format_test

import (
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/format"
	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// as builds an assignment; roles is written as in a cell, "R, A".
func holds(party, roles, holder, when string) raci.Assignment {
	var letters []raci.Role
	for _, l := range strings.Split(roles, ",") {
		letters = append(letters, raci.Role(strings.TrimSpace(l)))
	}
	return raci.Assignment{Party: party, Roles: letters, Holder: holder, When: when}
}

func parsedRow(key, title, notes string, assignments ...raci.Assignment) format.ParsedRow {
	if assignments == nil {
		assignments = []raci.Assignment{}
	}
	return format.ParsedRow{Key: key, Title: title, Notes: notes, Accountability: raci.AccountabilitySingle, Assignments: assignments}
}

// withWhen is the row with a condition on the whole duty.
func withWhen(r format.ParsedRow, when string) format.ParsedRow {
	r.When = when
	return r
}

// numbered gives rows their places in the table, from 1, as ParseMarkdown does.
func numbered(rows []format.ParsedRow) []format.ParsedRow {
	out := slices.Clone(rows)
	for i := range out {
		out[i].Position = i + 1
	}
	return out
}

// unassigned is the row with no Accountable party, as seed 003 has three.
func unassigned(r format.ParsedRow) format.ParsedRow {
	r.Accountability = raci.AccountabilityUnassigned
	return r
}

func readSeed003(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/seed003.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const (
	ifIssues          = "in the event that there are issues"
	ifQuestionsIssues = "in the event that there are questions/issues"
)

// seed003Rows is every row and every cell of seed 003's table, as published.
var seed003Rows = []format.ParsedRow{
	parsedRow("preparing-vm-infrastructure-including-memory-storage-processors",
		"Preparing VM Infrastructure, including: memory, storage, processors, load balances, networks, SSL certificates, DNS records, SMTP servers, enabling Auth0 access via Jumphost/VPN",
		"The subscriber will submit the Private SaaS Infrastructure Checklist when the VMs are ready and the [infrastructure requirements](/private-saas/infrastructure) are met.",
		holds("auth0", "C", "", ""),
		holds("subscriber", "R, A", "subscriber's infrastructure engineer", "")),
	parsedRow("deployment-to-development-and-production-environments",
		"Deployment to Development and Production environments",
		"The Auth0 Customer Success Engineer will SSH into the VMs and deploy the Private SaaS.",
		holds("auth0", "R, A", "Auth0 Customer Success Engineer", ""),
		holds("subscriber", "I", "", "")),
	unassigned(parsedRow("configuration-of-development-and-production-environments",
		"Configuration of Development and Production environments",
		"The Auth0 CSE will show the subscriber's infrastructure engineer [how to upload the SSL certificates, enter the SMTP credentials, and add administrators](/private-saas/dashboard).",
		holds("auth0", "C", "", ""),
		holds("subscriber", "R", "", ""))),
	unassigned(parsedRow("operations-handover", "Operations Handover",
		"Auth0 Customer Success Engineers will provide a 90-minute Operations Handover meeting to review information regarding Private SaaS monitoring, backup, and updates, as well as answer questions.",
		holds("auth0", "R", "", ""),
		holds("subscriber", "C", "", ""))),
	parsedRow("monitoring", "Monitoring",
		"The subscriber is responsible for [monitoring the Private SaaS](/private-saas/monitoring).",
		holds("auth0", "I", "", ""),
		holds("subscriber", "R, A", "", "")),
	parsedRow("backing-up", "Backing Up",
		"The subscriber is responsible for [backing up Private SaaS](/private-saas/disaster-recovery) using the [Command-Line Tools](/private-saas/cli).",
		holds("auth0", "I", "", ifIssues),
		holds("subscriber", "R, A", "", "")),
	parsedRow("code-integration-into-applications", "Code Integration into Applications",
		"The subscriber is responsible for Auth0 code integration.",
		holds("auth0", "C", "", ""),
		holds("auth0", "I", "", ifIssues),
		holds("subscriber", "R, A", "", "")),
	withWhen(parsedRow("user-migration", "User Migration",
		"The subscriber is responsible for migrating users where appropriate.",
		holds("auth0", "C", "", ""),
		holds("auth0", "I", "", ifIssues),
		holds("subscriber", "R, A", "", "")), "if required"),
	parsedRow("updates", "Updates",
		"Auth0 Customer Success Engineers will partner with the subscriber's infrastructure engineers to update the Private SaaS on an agreed-upon basis. The subscriber is responsible for: taking VM snapshot(s) prior to the update, providing access to the Private SaaS, being present as the Private SaaS updates. Auth0 is responsible for: running manual scripts (if required), informing the subscriber on the status of the upgrade.",
		holds("auth0", "R", "", ""),
		holds("subscriber", "R, A", "", "")),
	parsedRow("testing-updates", "Testing Updates",
		"The subscriber will test the Private SaaS after the Development node has been updated and inform Auth0 about any issues.",
		holds("auth0", "C", "", ""),
		holds("auth0", "I", "", ifQuestionsIssues),
		holds("subscriber", "R, A", "", "")),
	parsedRow("issue-identification-and-support-ticket-submission", "Issue Identification and Support Ticket Submission",
		"The subscriber is responsible for submitting issues via the [Support Center](/onboarding/enterprise-support).",
		holds("auth0", "C", "", ""),
		holds("subscriber", "R, A", "", "")),
	unassigned(parsedRow("issue-resolution", "Issue Resolution",
		"Auth0 will provide support for issues within the *core* of the Private SaaS. Auth0 will *consult* on issues pertaining to integration between Auth0 APIs and Dashboards.",
		holds("auth0", "R", "", ""),
		holds("subscriber", "C", "", ""))),
}

// assertRows compares row by row, so that a failure names the row and what differs.
func assertRows(t *testing.T, got, want []format.ParsedRow) {
	t.Helper()
	for i := 0; i < len(got) || i < len(want); i++ {
		switch {
		case i >= len(want):
			t.Errorf("unexpected row %d: %+v", i+1, got[i])
		case i >= len(got):
			t.Errorf("missing row %d: %+v", i+1, want[i])
		case !reflect.DeepEqual(got[i], want[i]):
			t.Errorf("row %d:\n got %+v\nwant %+v", i+1, got[i], want[i])
		}
	}
}

func mustParse(t *testing.T, markdown string) []format.ParsedRow {
	t.Helper()
	rows, err := format.ParseMarkdown(markdown)
	if err != nil {
		t.Fatalf("ParseMarkdown: %v", err)
	}
	return rows
}

func TestParseMarkdownSeed003(t *testing.T) {
	assertRows(t, mustParse(t, readSeed003(t)), numbered(seed003Rows))
}

func TestParseMarkdownVariants(t *testing.T) {
	backup := parsedRow("backing-up", "Backing Up", "", holds("vendor", "I", "", ifIssues), holds("customer", "R, A", "", ""))
	cases := []struct {
		name     string
		markdown string
		want     []format.ParsedRow
	}{{
		name: "notes first, alignment row, no outer pipes",
		markdown: "" +
			"Task | Notes | Vendor | Customer\n" +
			":--- | :---: | ---: | ---\n" +
			"Backing Up | Nightly, to object storage. | I (in the event that there are issues) | R, A\n",
		want: []format.ParsedRow{parsedRow("backing-up", "Backing Up", "Nightly, to object storage.",
			holds("vendor", "I", "", ifIssues), holds("customer", "R, A", "", ""))},
	}, {
		name: "notes in the middle, lowercase letters and heading",
		markdown: "" +
			"| task | vendor | NOTES | customer |\n" +
			"|------|--------|-------|----------|\n" +
			"| Backing Up | i (in the event that there are issues) | | r, a |\n",
		want: []format.ParsedRow{backup},
	}, {
		name: "three parties, RASCI letters, a party holding nothing",
		markdown: "" +
			"| Task | Vendor | Customer | Hosting Provider |\n" +
			"| --- | --- | --- | --- |\n" +
			"| Network | S | R, A | C, S |\n" +
			"| Backing Up | I (in the event that there are issues) | R, A | |\n",
		want: []format.ParsedRow{
			parsedRow("network", "Network", "", holds("vendor", "S", "", ""), holds("customer", "R, A", "", ""), holds("hosting-provider", "S, C", "", "")),
			parsedRow("backing-up", "Backing Up", "", holds("vendor", "I", "", ifIssues), holds("customer", "R, A", "", "")),
		},
	}, {
		name: "DACI letters in any order, dash and n/a for nothing",
		markdown: "" +
			"| Decision | Vendor | Customer | Auditor |\n" +
			"| --- | --- | --- | --- |\n" +
			"| Pick the region | A, D | C | - |\n" +
			"| Rotate keys | I | D, A | N/A |\n",
		want: []format.ParsedRow{
			parsedRow("pick-the-region", "Pick the region", "", holds("vendor", "A, D", "", ""), holds("customer", "C", "", "")),
			parsedRow("rotate-keys", "Rotate keys", "", holds("vendor", "I", "", ""), holds("customer", "A, D", "", "")),
		},
	}, {
		name: "escaped pipes in title, cell and notes",
		markdown: "" +
			"| Task | Vendor | Customer | Notes |\n" +
			"| --- | --- | --- | --- |\n" +
			"| Backups \\| restores | R, A (backup \\| restore team) | I | Run `a \\| b` nightly. |\n",
		want: []format.ParsedRow{parsedRow("backups-restores", "Backups | restores", "Run `a | b` nightly.",
			holds("vendor", "R, A", "backup | restore team", ""), holds("customer", "I", "", ""))},
	}, {
		name: "bold, italic and links stripped from letters, titles and holders; notes kept",
		markdown: "" +
			"| **Task** | *Vendor* | __Customer__ | Notes |\n" +
			"| --- | --- | --- | --- |\n" +
			"| [Backing Up](/docs/backup) | **I** (_in the event that there are issues_) | **R**, *A* (**infra_engineer**) | See [the runbook](/runbook), **always**. |\n",
		want: []format.ParsedRow{parsedRow("backing-up", "Backing Up", "See [the runbook](/runbook), **always**.",
			holds("vendor", "I", "", ifIssues), holds("customer", "R, A", "infra_engineer", ""))},
	}, {
		name: "prose before and after, a table without parties and a fenced table first",
		markdown: "" +
			"# Our matrix\n\nSome prose | with a pipe.\n\n" +
			"```\n| Task | Fake |\n| --- | --- |\n| Nope | X |\n```\n\n" +
			"| Notes |\n| --- |\n| only notes here |\n\n" +
			"The real one:\n" +
			"| Task | Vendor | Customer |\n| --- | --- | --- |\n" +
			"| Backing Up | I (in the event that there are issues) | R, A |\n" +
			"\nThat is all | folks.\n",
		want: []format.ParsedRow{backup},
	}, {
		name: "holders in parentheses and after a dash, conditions on their letters",
		markdown: "" +
			"| Task | Vendor | Customer |\n| --- | --- | --- |\n" +
			"| Updates | R, A - Customer Success Engineer | C (only for major versions), I |\n" +
			"| Incidents | R (on-call), I (on-call) (outside business hours) | A (if the outage lasts over an hour) (CTO) |\n" +
			"| Upgrades | C, I (before a major version), I (after a major version) | R/A |\n",
		want: []format.ParsedRow{
			parsedRow("updates", "Updates", "", holds("vendor", "R, A", "Customer Success Engineer", ""),
				holds("customer", "I", "", ""), holds("customer", "C", "", "only for major versions")),
			parsedRow("incidents", "Incidents", "", holds("vendor", "R", "on-call", ""), holds("vendor", "I", "on-call", "outside business hours"),
				holds("customer", "A", "CTO", "if the outage lasts over an hour")),
			parsedRow("upgrades", "Upgrades", "", holds("vendor", "C", "", ""), holds("vendor", "I", "", "before a major version"),
				holds("vendor", "I", "", "after a major version"), holds("customer", "R, A", "", "")),
		},
	}, {
		name: "a category column, labelled parentheses and escapes, as Markdown writes them",
		markdown: "" +
			"|Task|Category|Notes\\:|Vendor|Notes|\n|---|---|---|---|---|\n" +
			"|C:\\\\|ops \\| \\*infra\\*|R, A (holder: outside counsel)|C (team \\(a\\)) (when: on-call weekends), I (team \\(a\\)) (when: on-call weekends)|path C:\\\\|\n",
		want: []format.ParsedRow{{Key: "c", Title: `C:\`, Category: "ops | *infra*", Notes: `path C:\`, Accountability: raci.AccountabilitySingle, Assignments: []raci.Assignment{
			holds("notes", "R, A", "outside counsel", ""),
			holds("vendor", "C, I", "team (a)", "on-call weekends"),
		}}},
	}, {
		name:     "blank rows skipped, CRLF line endings",
		markdown: "| Task | Vendor |\r\n| --- | --- |\r\n| | |\r\n| Monitoring | R, A |\r\n",
		want:     []format.ParsedRow{parsedRow("monitoring", "Monitoring", "", holds("vendor", "R, A", "", ""))},
	}, {
		// "[Optional]" and a trailing condition on the task; a parenthesis that names
		// something stays in the title; the rows are numbered in table order.
		name: "optional tasks and conditions on tasks",
		markdown: "" +
			"|Task|Auth0|Subscriber|Notes|\n|---|---|---|---|\n" +
			"|Monitoring|I|R, A|The subscriber monitors the installation.|\n" +
			"|[Optional] User Migration (if required)|C|R||\n" +
			"|Command-Line Interface (CLI)|R, A|I||\n" +
			"|**\\[Optional] Certificates**|R, A|I||\n" +
			"|Handover (when: the subscriber asks)|R, A|C||\n" +
			"|Backups \\(if the disk fills\\)|R, A|C||\n",
		want: []format.ParsedRow{
			parsedRow("monitoring", "Monitoring", "The subscriber monitors the installation.",
				holds("auth0", "I", "", ""), holds("subscriber", "R, A", "", "")),
			{Key: "user-migration", Title: "User Migration", Accountability: raci.AccountabilityUnassigned, Optional: true, When: "if required",
				Assignments: []raci.Assignment{holds("auth0", "C", "", ""), holds("subscriber", "R", "", "")}},
			parsedRow("command-line-interface-cli", "Command-Line Interface (CLI)", "", holds("auth0", "R, A", "", ""), holds("subscriber", "I", "", "")),
			// An escaped bracket is text, as seed 004's list writes it outside a table.
			parsedRow("optional-certificates", "[Optional] Certificates", "", holds("auth0", "R, A", "", ""), holds("subscriber", "I", "", "")),
			withWhen(parsedRow("handover", "Handover", "", holds("auth0", "R, A", "", ""), holds("subscriber", "C", "", "")), "the subscriber asks"),
			parsedRow("backups-if-the-disk-fills", "Backups (if the disk fills)", "", holds("auth0", "R, A", "", ""), holds("subscriber", "C", "", "")),
		},
	}, {
		name:     "a header and no rows",
		markdown: "| Task | Vendor |\n| --- | --- |\n",
		want:     []format.ParsedRow{},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assertRows(t, mustParse(t, c.markdown), numbered(c.want))
		})
	}
}

func TestParseMarkdownLongTitleKeepsWholeWords(t *testing.T) {
	title := "Rotate the TLS certificates of the load balancers in every environment before they expire"
	rows := mustParse(t, "| Task | Vendor |\n| --- | --- |\n| "+title+" | R, A |\n")
	want := "rotate-the-tls-certificates-of-the-load-balancers-in-every"
	if got := rows[0].Key; got != want || !raci.ValidSlug(got) {
		t.Errorf("Key = %q (valid slug: %v), want %q", got, raci.ValidSlug(got), want)
	}
	if rows[0].Title != title {
		t.Errorf("Title = %q, want the whole title %q", rows[0].Title, title)
	}
}

func TestParseMarkdownErrors(t *testing.T) {
	const head = "| Task | Auth0 | Subscriber | Notes |\n| --- | --- | --- | --- |\n"
	cases := []struct {
		name     string
		markdown string
		field    string // the problem's Field
		detail   string // part of its Detail
	}{{
		name:     "unknown letter",
		markdown: head + "| Monitoring | I | R, X | |\n",
		field:    "row 1, column Subscriber",
		detail:   `Row 1 ("Monitoring", line 3): "X" is not a letter of any supported scheme: use R, A, S, C, I or D`,
	}, {
		name:     "letters written together",
		markdown: head + "| Monitoring | I | RA | |\n| Backing Up | I | R, A | |\n",
		field:    "row 1, column Subscriber",
		detail:   `"RA" is not one letter: separate the letters with commas, e.g. "R, A".`,
	}, {
		name:     "a word instead of letters",
		markdown: head + "| Monitoring | I | R, A | |\n| Backing Up | yes | R, A | |\n",
		field:    "row 2, column Auth0",
		detail:   `"yes" is not a letter of any supported scheme`,
	}, {
		name:     "short row",
		markdown: head + "| Monitoring | I | R, A |\n",
		field:    "row 1, column Notes",
		detail:   "Row 1 (line 3) has 3 cells but the header has 4 columns",
	}, {
		name:     "long row: an unescaped pipe",
		markdown: head + "| Monitoring | I | R, A | a | b |\n",
		field:    "row 1, column 5",
		detail:   "has 5 cells but the header has 4 columns",
	}, {
		name:     "duplicate keys",
		markdown: head + "| Backing Up | I | R, A | |\n| Monitoring | I | R, A | |\n| Backing up! | I | R, A | |\n",
		field:    "row 3, column Task",
		detail:   `Row 3 ("Backing up!", line 5) has the key "backing-up", as row 1 ("Backing Up") does`,
	}, {
		name:     "no task",
		markdown: head + "| | I | R, A | |\n",
		field:    "row 1, column Task",
		detail:   "has no task",
	}, {
		name:     "unclosed parenthesis",
		markdown: head + "| Backing Up | I (in the event that | R, A | |\n",
		field:    "row 1, column Auth0",
		detail:   "opens a parenthesis that it does not close",
	}, {
		name:     "two holders for one assignment",
		markdown: head + "| Backing Up | I | R (engineer), A (manager) | |\n",
		field:    "row 1, column Subscriber",
		detail:   `two holders, "engineer" and "manager", for letters without a condition`,
	}, {
		name:     "no party column",
		markdown: "Prose.\n\n| Task | Notes |\n| --- | --- |\n| Backing Up | nightly |\n",
		field:    "header",
		detail:   "The table on line 3 has no party column",
	}, {
		name:     "two columns for one party",
		markdown: "| Task | Auth0 | AUTH0 |\n| --- | --- | --- |\n| Backing Up | R | A |\n",
		field:    "header, column AUTH0",
		detail:   `Columns 2 and 3 are both party "auth0"`,
	}, {
		name:     "no table at all",
		markdown: "# Roles\n\nAuth0 does the updates; the subscriber does the backups.\n",
		field:    "",
		detail:   "Found no Markdown table",
	}, {
		name:     "a table only inside a code block",
		markdown: "~~~\n| Task | Auth0 |\n| --- | --- |\n| Backing Up | R, A |\n~~~\n",
		field:    "",
		detail:   "Found no Markdown table",
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := format.ParseMarkdown(c.markdown)
			if err == nil {
				t.Fatalf("ParseMarkdown() = %+v, want an error", rows)
			}
			var e *raci.Error
			if !errors.As(err, &e) || e.Code != raci.EINVALID {
				t.Fatalf("error %v (%T) is not an EINVALID *raci.Error", err, err)
			}
			if len(e.Problems) != 1 {
				t.Fatalf("problems = %+v, want exactly one", e.Problems)
			}
			p := e.Problems[0]
			if p.Field != c.field || !strings.Contains(p.Detail, c.detail) {
				t.Errorf("problem = {%q, %q}\nwant field %q and a detail containing %q", p.Field, p.Detail, c.field, c.detail)
			}
			if c.field != "" && !strings.HasPrefix(err.Error(), c.field+": ") {
				t.Errorf("message %q does not start with the row and column %q", err.Error(), c.field)
			}
		})
	}
}

func TestParseMarkdownReportsEveryBadCell(t *testing.T) {
	md := "| Task | Auth0 | Subscriber |\n| --- | --- | --- |\n" +
		"| Monitoring | X | R, A |\n| Backing Up | I | Q |\n| Updates | R |\n"
	_, err := format.ParseMarkdown(md)
	var fields []string
	for _, p := range raci.ErrorProblems(err) {
		fields = append(fields, p.Field)
	}
	want := []string{"row 1, column Auth0", "row 2, column Subscriber", "row 3, column Subscriber"}
	if !slices.Equal(fields, want) {
		t.Errorf("problem fields = %q, want %q (error %v)", fields, want, err)
	}
}

// TestParseMarkdownRoundTrip parses a table, stores the rows in a snapshot,
// renders that with format.Markdown and parses the result: the rows come back the
// same. Markdown heads columns with display names, so the parties' display
// names slugify to their names here; it orders rows by category then key, so the
// comparison is by key.
func TestParseMarkdownRoundTrip(t *testing.T) {
	extra := "" +
		"| Task | Auth0 | Subscriber | Hosting Provider | Notes |\n| --- | --- | --- | --- | --- |\n" +
		"| Backups \\| restores | R, S (on-call) (outside business hours) | A (infrastructure engineer) | C, I (if the region fails) | One \\| two |\n" +
		"| Network | I (before a major version), C (after a major version) | R, A | S | |\n"
	for name, markdown := range map[string]string{"seed 003": readSeed003(t), "RASCI, holders on conditions, pipes": extra} {
		t.Run(name, func(t *testing.T) {
			first := mustParse(t, markdown)
			snapshot := &raci.Snapshot{
				Tenant: &raci.Tenant{Name: "initech", Scheme: raci.RASCI},
				Parties: []*raci.Party{
					{Tenant: "initech", Name: "auth0", DisplayName: "Auth0"},
					{Tenant: "initech", Name: "subscriber", DisplayName: "Subscriber"},
					{Tenant: "initech", Name: "hosting-provider", DisplayName: "Hosting Provider"},
				},
			}
			for _, r := range first {
				snapshot.Responsibilities = append(snapshot.Responsibilities, &raci.Responsibility{
					Tenant: "initech", Key: r.Key, Title: r.Title, Notes: r.Notes, Accountability: r.Accountability, Assignments: r.Assignments,
				})
			}
			rendered := format.Markdown(snapshot)
			second, err := format.ParseMarkdown(rendered)
			if err != nil {
				t.Fatalf("parsing the rendered matrix: %v\n%s", err, rendered)
			}
			if got, want := normalized(second), normalized(first); !reflect.DeepEqual(got, want) {
				t.Errorf("rendered and parsed again:\n%s\n got %+v\nwant %+v", rendered, got, want)
			}
		})
	}
}

// normalized orders rows by key and assignments canonically, for comparisons that
// must not depend on order.
func normalized(rows []format.ParsedRow) map[string]raci.Responsibility {
	out := map[string]raci.Responsibility{}
	for _, r := range rows {
		resp := raci.Responsibility{Key: r.Key, Title: r.Title, Notes: r.Notes, Accountability: r.Accountability, Assignments: slices.Clone(r.Assignments)}
		resp.Normalize()
		out[r.Key] = resp
	}
	return out
}

func FuzzParseMarkdown(f *testing.F) {
	f.Add(readSeed003(f))
	f.Add("| Task | Vendor | Customer |\n| --- | --- | --- |\n| Backing Up | I (in the event that there are issues) | R, A - engineer |\n")
	f.Add("Task | Notes | Vendor\n:--|--:|---\nA \\| B | *n* | **r**, a (x) (if y)\n")
	f.Add("```\n| a | b |\n|---|---|\n```\n| T | P |\n|-|-|\n| [t](u) | C, I (only (nested) here) |\n")
	f.Add("| Task | Auth0 | Subscriber |\n|---|---|---|\n| Monitoring | RA | R, A |\n| x | ( | ) |\n")
	f.Fuzz(func(t *testing.T, markdown string) {
		rows, err := format.ParseMarkdown(markdown)
		if err != nil {
			if raci.ErrorCode(err) != raci.EINVALID || len(raci.ErrorProblems(err)) == 0 {
				t.Fatalf("error %v is not EINVALID with problems", err)
			}
			return
		}
		keys := map[string]bool{}
		for _, r := range rows {
			if !raci.ValidSlug(r.Key) || keys[r.Key] {
				t.Fatalf("row %+v: key %q is not a valid, unique slug", r, r.Key)
			}
			keys[r.Key] = true
			for _, a := range r.Assignments {
				if !raci.ValidSlug(a.Party) || len(a.Roles) == 0 {
					t.Fatalf("row %q: assignment %+v has a bad party or no letters", r.Key, a)
				}
				for _, l := range a.Roles {
					if !slices.Contains(raci.AllLetters, l) {
						t.Fatalf("row %q: assignment %+v holds unknown letter %q", r.Key, a, l)
					}
				}
			}
		}
	})
}
