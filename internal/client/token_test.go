package client

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

func TestTokenAndEventRequests(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got = append(got, r.Method+" "+r.URL.RequestURI()+" "+string(body))
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == "POST":
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"name":"ci","scopes":["tenant:acme:write"],"created_at":"2026-01-02T03:04:05Z","secret":"raci_s3cret"}`)
		case r.Method == "DELETE":
			w.WriteHeader(http.StatusNoContent)
		case strings.HasSuffix(r.URL.Path, "/tokens"):
			_, _ = io.WriteString(w, `{"items":[{"name":"ci","scopes":["tenant:acme:write"],"created_at":"2026-01-02T03:04:05Z"}]}`)
		default:
			_, _ = io.WriteString(w, `{"items":[{"seq":7,"actor":"ci","tenant":"acme","object":"party/auth0","action":"delete","before":{"name":"auth0"},"after":null}],"next":"7"}`)
		}
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	ctx := t.Context()

	tok, secret, err := c.CreateToken(ctx, &raci.Token{Name: "ci", Scopes: []raci.Scope{"tenant:acme:write"}})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Name != "ci" || len(tok.Scopes) != 1 || tok.CreatedAt.Year() != 2026 || secret != "raci_s3cret" {
		t.Errorf("CreateToken = %+v, %q", tok, secret)
	}
	tokens, err := c.ListTokens(ctx)
	if err != nil || len(tokens) != 1 || tokens[0].Name != "ci" {
		t.Errorf("ListTokens = %+v, %v", tokens, err)
	}
	if err := c.DeleteToken(ctx, "ci"); err != nil {
		t.Error(err)
	}
	events, err := c.ListEvents(ctx, "acme", raci.EventFilter{After: 3, Limit: 5000, Object: "party/auth0"})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Seq != 7 || events[0].Actor != "ci" || string(events[0].After) != "null" || !json.Valid(events[0].Before) {
		t.Errorf("ListEvents = %+v", events[0])
	}
	if _, err := c.ListEvents(ctx, "acme", raci.EventFilter{After: 3, Newest: true}); err != nil {
		t.Fatal(err)
	}

	want := []string{
		`POST /v1/tokens {"name":"ci","scopes":["tenant:acme:write"]}`,
		`GET /v1/tokens `,
		`DELETE /v1/tokens/ci `,
		`GET /v1/tenants/acme/events?after=3&limit=1000&object=party%2Fauth0 `,
		`GET /v1/tenants/acme/events?newest=true `,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	if err := c.DeleteToken(ctx, ".."); raci.ErrorCode(err) != raci.EINVALID {
		t.Errorf("DeleteToken(\"..\") = %v, want EINVALID before any request", err)
	}
}

// A token creation that may have reached the server is never sent twice: the
// second would fail as a duplicate and the first one's secret would be lost.
func TestCreateTokenIsNotRetriedOnServerErrors(t *testing.T) {
	srv, n := scripted(t, []int{502, 201}, nil, "")
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	if _, _, err := c.CreateToken(t.Context(), &raci.Token{Name: "ci", Scopes: []raci.Scope{raci.AdminScope}}); err == nil {
		t.Fatal("CreateToken succeeded after a 502")
	}
	if n.Load() != 1 {
		t.Errorf("CreateToken was sent %d times, want 1", n.Load())
	}
}
