package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func TestSplitImportID(t *testing.T) {
	cases := []struct {
		id     string
		format string
		want   []string
	}{
		{"initech/backing-up", "<tenant>/<key>", []string{"initech", "backing-up"}},
		{"initech", "<name>", []string{"initech"}},
		{"initech", "<tenant>/<key>", nil},
		{"initech/backing-up/extra", "<tenant>/<key>", nil},
		{"initech/Backing Up", "<tenant>/<key>", nil},
		{"/backing-up", "<tenant>/<key>", nil},
	}
	for _, tc := range cases {
		var diags diag.Diagnostics
		got := splitImportID(tc.id, tc.format, "initech/backing-up", &diags)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("splitImportID(%q, %q) = %q, want %q", tc.id, tc.format, got, tc.want)
		}
		if tc.want == nil {
			if !diags.HasError() || !strings.Contains(diags[0].Detail(), "expected "+tc.format) {
				t.Errorf("splitImportID(%q): the error does not state the expected format: %v", tc.id, diags)
			}
		}
	}
}

// At plan time the scheme-free check must not report what only the tenant's scheme
// decides, nor what the attribute validators already report.
func TestRowRuleProblems(t *testing.T) {
	row := func(assignments ...raci.Assignment) *raci.Responsibility {
		return &raci.Responsibility{Tenant: "initech", Key: "updates", Title: "Updates", Assignments: assignments}
	}
	driverRow := row(raci.Assignment{Party: "auth0", Roles: []raci.Role{"D", "A"}})
	if got := rowRuleProblems(driverRow, ""); len(got) != 0 {
		t.Errorf("a Driver row with the scheme unknown: %v, want no problems", got)
	}
	if got := rowRuleProblems(driverRow, raci.RACI); len(got) == 0 {
		t.Error("a Driver row in a RACI tenant passed")
	}
	supportive := row(raci.Assignment{Party: "auth0", Roles: []raci.Role{"R", "A", "S"}})
	if got := rowRuleProblems(supportive, raci.RASCI); len(got) != 0 {
		t.Errorf("S in a RASCI tenant: %v, want no problems", got)
	}
	if got := rowRuleProblems(supportive, raci.RACI); len(got) != 1 || !strings.Contains(got[0].Detail, "set the tenant's scheme to RASCI") {
		t.Errorf("S in a RACI tenant: %v, want one problem suggesting RASCI", got)
	}
	badParty := row(raci.Assignment{Party: "Auth0", Roles: []raci.Role{"R", "A"}})
	if got := rowRuleProblems(badParty, ""); len(got) != 0 {
		t.Errorf("a bad party slug is the attribute validator's to report, got %v", got)
	}
}
