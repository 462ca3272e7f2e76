package raci_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// wantInvalid fails unless err is EINVALID with a problem on field whose detail
// contains every one of details.
func wantInvalid(t *testing.T, err error, field string, details ...string) {
	t.Helper()
	if code := raci.ErrorCode(err); code != raci.EINVALID {
		t.Fatalf("error code = %q (%v), want %q", code, err, raci.EINVALID)
	}
	ps := raci.ErrorProblems(err)
	for _, p := range ps {
		if p.Field != field {
			continue
		}
		missing := false
		for _, d := range details {
			missing = missing || !strings.Contains(p.Detail, d)
		}
		if !missing {
			// The message people see carries every problem too.
			if !strings.Contains(raci.ErrorMessage(err), p.Detail) {
				t.Errorf("message %q leaves out the problem %q", raci.ErrorMessage(err), p.Detail)
			}
			return
		}
	}
	t.Fatalf("no problem on field %q mentioning %q; problems: %+v", field, details, ps)
}

func TestCheckPrecondition(t *testing.T) {
	const what = `party "acme/auth0"`
	cases := []struct {
		name    string
		pre     raci.Precondition
		exists  bool
		version int64
		want    []string // substrings of the EPRECONDITION message; nil when allowed
	}{
		{"no precondition, missing", raci.Precondition{}, false, 0, nil},
		{"no precondition, exists", raci.Precondition{}, true, 4, nil},
		{"if-none-match, missing", raci.Precondition{IfNoneMatch: true}, false, 0, nil},
		{"if-none-match, exists", raci.Precondition{IfNoneMatch: true}, true, 1, []string{what, "already exists", "import it"}},
		{"if-match, same version", raci.Precondition{IfMatch: 3}, true, 3, nil},
		{"if-match, other version", raci.Precondition{IfMatch: 3}, true, 5, []string{what, "changed since it was read", "version 3, now 5", "read it again"}},
		{"if-match, missing", raci.Precondition{IfMatch: 3}, false, 0, []string{what, "no longer exists", "deleted"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := raci.CheckPrecondition(c.pre, what, c.exists, c.version)
			if c.want == nil {
				if err != nil {
					t.Fatalf("CheckPrecondition = %v, want nil", err)
				}
				return
			}
			if raci.ErrorCode(err) != raci.EPRECONDITION {
				t.Fatalf("CheckPrecondition = %v (code %q), want %q", err, raci.ErrorCode(err), raci.EPRECONDITION)
			}
			for _, w := range c.want {
				if !strings.Contains(raci.ErrorMessage(err), w) {
					t.Errorf("message %q does not say %q", raci.ErrorMessage(err), w)
				}
			}
		})
	}
}

func TestPageLimit(t *testing.T) {
	cases := map[int]int{
		-5:                   raci.DefaultPageSize,
		0:                    raci.DefaultPageSize,
		1:                    1,
		50:                   50,
		raci.MaxPageSize:     raci.MaxPageSize,
		raci.MaxPageSize + 1: raci.MaxPageSize,
	}
	for limit, want := range cases {
		if got := (raci.ListOptions{Limit: limit}).PageLimit(); got != want {
			t.Errorf("PageLimit with Limit %d = %d, want %d", limit, got, want)
		}
	}
}

func TestErrors(t *testing.T) {
	if raci.ErrorCode(nil) != "" || raci.ErrorMessage(nil) != "" || raci.ErrorProblems(nil) != nil {
		t.Error("nil error must have no code, message or problems")
	}

	app := raci.Errorf(raci.ECONFLICT, "Tenant %q still has %d parties.", "acme", 2)
	wrapped := fmt.Errorf("delete tenant: %w", app)
	if raci.ErrorCode(wrapped) != raci.ECONFLICT || raci.ErrorMessage(wrapped) != `Tenant "acme" still has 2 parties.` {
		t.Errorf("wrapped application error: code %q message %q", raci.ErrorCode(wrapped), raci.ErrorMessage(wrapped))
	}

	// Anything else is internal, and its details stay out of the message.
	internal := fmt.Errorf("query: %w", errors.New("SQL logic error: no such table: tenants"))
	if raci.ErrorCode(internal) != raci.EINTERNAL {
		t.Errorf("ErrorCode(internal) = %q, want %q", raci.ErrorCode(internal), raci.EINTERNAL)
	}
	if msg := raci.ErrorMessage(internal); strings.Contains(msg, "SQL") || msg == "" {
		t.Errorf("ErrorMessage(internal) = %q: must be a generic sentence", msg)
	}

	inv := raci.Invalid(
		raci.Problem{Field: "name", Detail: "Tenant name is required."},
		raci.Problem{Detail: "Something without a field."},
	)
	if inv.Code != raci.EINVALID {
		t.Errorf("Invalid code = %q", inv.Code)
	}
	if want := "name: Tenant name is required.; Something without a field."; inv.Error() != want {
		t.Errorf("Invalid message = %q, want %q", inv.Error(), want)
	}
	if ps := raci.ErrorProblems(fmt.Errorf("put: %w", inv)); len(ps) != 2 || ps[0].Field != "name" {
		t.Errorf("ErrorProblems through wrapping = %+v", ps)
	}
	if (&raci.Error{Code: raci.ENOTFOUND}).Error() != raci.ENOTFOUND {
		t.Error("an error without a message must still say its code")
	}
}

// An error lists at most MaxProblems problems and says how many more there are.
func TestInvalidCapsTheProblemsListed(t *testing.T) {
	var ps []raci.Problem
	for i := range raci.MaxProblems + 5 {
		ps = append(ps, raci.Problem{Field: fmt.Sprintf("items[%d]", i), Detail: "Bad."})
	}
	err := raci.Invalid(ps...)
	if got := raci.ErrorProblems(err); len(got) != raci.MaxProblems || got[0].Field != "items[0]" {
		t.Errorf("problems = %v, want the first %d", got, raci.MaxProblems)
	}
	if msg := raci.ErrorMessage(err); !strings.HasSuffix(msg, "items[19]: Bad.; and 5 more problems") {
		t.Errorf("message = %q", msg)
	}
	if msg := raci.ErrorMessage(raci.Invalid(ps[:2]...)); msg != "items[0]: Bad.; items[1]: Bad." {
		t.Errorf("a short list reads %q", msg)
	}
}
