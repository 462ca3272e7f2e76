package client

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

const checklistJSON = `{"tenant":"acme","key":"infra","title":"Infrastructure","gate":"deploy:production",
	"items":[{"key":"dns","title":"DNS records","owner":"subscriber","required":true,"status":"done"}],"version":4}`

// recorded is one request as the server saw it.
type recorded struct {
	method, path, ifMatch, body string
}

// recorder answers every request with status and body, and keeps what it was sent.
func recorder(t *testing.T, status int, body string) (*httptest.Server, *[]recorded) {
	t.Helper()
	var got []recorded
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, recorded{r.Method, r.URL.EscapedPath() + "?" + r.URL.RawQuery, r.Header.Get("If-Match"), string(b)})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

func TestChecklistRequests(t *testing.T) {
	srv, got := recorder(t, http.StatusOK, checklistJSON)
	c, _ := newTestClient(t, srv.URL)
	ctx := t.Context()

	cl, err := c.FindChecklist(ctx, "acme", "infra")
	if err != nil {
		t.Fatal(err)
	}
	if cl.Gate != "deploy:production" || len(cl.Items) != 1 || cl.Items[0].Status != raci.Done || cl.Version != 4 {
		t.Errorf("FindChecklist = %+v", cl)
	}
	if _, err := c.ListChecklists(ctx, "acme", raci.ListOptions{After: "a", Limit: 2}); err != nil {
		t.Fatal(err)
	}
	if _, created, err := c.PutChecklist(ctx, &raci.Checklist{Tenant: "acme", Key: "infra", Title: "Infrastructure"}, raci.Precondition{IfMatch: 3}); err != nil || created {
		t.Errorf("PutChecklist: created %v, err %v; want a replace", created, err)
	}
	if err := c.DeleteChecklist(ctx, "acme", "infra", raci.Precondition{IfMatch: 4}); err != nil {
		t.Fatal(err)
	}
	status := raci.Done
	evidence := "https://tickets.example/INF-1"
	if _, err := c.UpdateChecklistItem(ctx, "acme", "infra", "dns", raci.ItemPatch{Status: &status, Evidence: &evidence}, raci.Precondition{IfMatch: 4}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ChecklistReadiness(ctx, "acme", "infra"); err != nil {
		t.Fatal(err)
	}

	want := []recorded{
		{"GET", "/v1/tenants/acme/checklists/infra?", "", ""},
		{"GET", "/v1/tenants/acme/checklists?after=a&limit=2", "", ""},
		{"PUT", "/v1/tenants/acme/checklists/infra?", `"3"`, ""},
		{"DELETE", "/v1/tenants/acme/checklists/infra?", `"4"`, ""},
		{"PATCH", "/v1/tenants/acme/checklists/infra/items/dns?", `"4"`, `{"status":"done","evidence":"https://tickets.example/INF-1"}`},
		{"GET", "/v1/tenants/acme/checklists/infra/readiness?", "", ""},
	}
	if len(*got) != len(want) {
		t.Fatalf("%d requests, want %d: %+v", len(*got), len(want), *got)
	}
	for i, w := range want {
		g := (*got)[i]
		if g.method != w.method || g.path != w.path || g.ifMatch != w.ifMatch {
			t.Errorf("request %d = %s %s If-Match %s, want %s %s If-Match %s", i+1, g.method, g.path, g.ifMatch, w.method, w.path, w.ifMatch)
		}
		if w.body != "" && g.body != w.body {
			t.Errorf("request %d body = %s, want only the fields set: %s", i+1, g.body, w.body)
		}
	}
	if put := (*got)[2].body; !strings.Contains(put, `"title":"Infrastructure"`) {
		t.Errorf("PUT body = %s", put)
	}
}

func TestPutChecklistCreated(t *testing.T) {
	srv, _ := recorder(t, http.StatusCreated, checklistJSON)
	c, _ := newTestClient(t, srv.URL)
	if _, created, err := c.PutChecklist(t.Context(), &raci.Checklist{Tenant: "acme", Key: "infra"}, raci.Precondition{IfNoneMatch: true}); err != nil || !created {
		t.Errorf("PutChecklist answered 201: created %v, err %v", created, err)
	}
}

func TestChecklistWritesRejectUnroutableNames(t *testing.T) {
	srv, got := recorder(t, http.StatusOK, checklistJSON)
	c, _ := newTestClient(t, srv.URL)
	_, _, err := c.PutChecklist(t.Context(), &raci.Checklist{Tenant: "acme", Key: ".."}, raci.Precondition{})
	wantFields(t, err, raci.EINVALID, "key")
	_, err = c.UpdateChecklistItem(t.Context(), "acme", "infra", "", raci.ItemPatch{}, raci.Precondition{})
	wantFields(t, err, raci.EINVALID, "item")
	if len(*got) != 0 {
		t.Errorf("%d requests sent for names that cannot be routed", len(*got))
	}
}

func wantFields(t *testing.T, err error, code string, fields ...string) {
	t.Helper()
	if raci.ErrorCode(err) != code {
		t.Fatalf("err = %v, want code %s", err, code)
	}
	ps := raci.ErrorProblems(err)
	if len(ps) != len(fields) {
		t.Fatalf("problems = %+v, want fields %v", ps, fields)
	}
	for i, f := range fields {
		if ps[i].Field != f {
			t.Errorf("problem %d names %q, want %q", i, ps[i].Field, f)
		}
	}
}

// Every checklist method turns the server's problem details back into the same
// *raci.Error a store would return.
func TestChecklistErrorMapping(t *testing.T) {
	status := raci.Done
	calls := map[string]func(*Client) error{
		"FindChecklist": func(c *Client) error {
			_, err := c.FindChecklist(context.Background(), "acme", "infra")
			return err
		},
		"ListChecklists": func(c *Client) error {
			_, err := c.ListChecklists(context.Background(), "acme", raci.ListOptions{})
			return err
		},
		"PutChecklist": func(c *Client) error {
			_, _, err := c.PutChecklist(context.Background(), &raci.Checklist{Tenant: "acme", Key: "infra"}, raci.Precondition{})
			return err
		},
		"DeleteChecklist": func(c *Client) error {
			return c.DeleteChecklist(context.Background(), "acme", "infra", raci.Precondition{})
		},
		"UpdateChecklistItem": func(c *Client) error {
			_, err := c.UpdateChecklistItem(context.Background(), "acme", "infra", "dns", raci.ItemPatch{Status: &status}, raci.Precondition{IfMatch: 2})
			return err
		},
		"ChecklistReadiness": func(c *Client) error {
			_, err := c.ChecklistReadiness(context.Background(), "acme", "infra")
			return err
		},
	}
	answers := []struct {
		status int
		body   string
		code   string
		fields []string
	}{
		{404, `{"code":"not_found","detail":"Checklist \"infra\" of tenant \"acme\" does not exist."}`, raci.ENOTFOUND, nil},
		{412, `{"code":"precondition_failed","detail":"changed since it was read"}`, raci.EPRECONDITION, nil},
		{422, `{"code":"invalid","detail":"x","errors":[{"field":"waiver.expires","detail":"Must be a timestamp"}]}`, raci.EINVALID, []string{"waiver.expires"}},
	}
	for name, call := range calls {
		for _, a := range answers {
			srv, n := scripted(t, []int{a.status}, nil, a.body)
			c, _ := newTestClient(t, srv.URL)
			err := call(c)
			var e *raci.Error
			if !errors.As(err, &e) || e.Code != a.code {
				t.Errorf("%s on %d: err = %#v, want code %s", name, a.status, err, a.code)
				continue
			}
			if len(e.Problems) != len(a.fields) || (len(a.fields) > 0 && e.Problems[0].Field != a.fields[0]) {
				t.Errorf("%s on %d: problems = %+v, want fields %v", name, a.status, e.Problems, a.fields)
			}
			if n.Load() != 1 {
				t.Errorf("%s on %d: %d requests, want 1", name, a.status, n.Load())
			}
		}
	}
}

func patchDone(c *Client) error {
	status := raci.Done
	_, err := c.UpdateChecklistItem(context.Background(), "acme", "infra", "dns", raci.ItemPatch{Status: &status}, raci.Precondition{})
	return err
}

// A PATCH that failed on the server may have been applied: it is not sent again,
// while a GET to the same server is.
func TestPatchIsNotRetriedOnServerErrors(t *testing.T) {
	for _, status := range []int{500, 502, 503} {
		srv, n := scripted(t, []int{status, 200}, nil, `{"code":"internal","detail":"busy"}`)
		c, delays := newTestClient(t, srv.URL)
		if err := patchDone(c); raci.ErrorCode(err) != raci.EINTERNAL {
			t.Errorf("PATCH on %d: err = %v, want EINTERNAL", status, err)
		}
		if n.Load() != 1 || len(*delays) != 0 {
			t.Errorf("PATCH on %d: %d requests and %d waits, want 1 and none", status, n.Load(), len(*delays))
		}

		srv, n = scripted(t, []int{status, 200}, nil, `{"code":"internal","detail":"busy"}`)
		c, _ = newTestClient(t, srv.URL)
		if _, err := c.FindChecklist(context.Background(), "acme", "infra"); err != nil {
			t.Errorf("GET on %d then 200: %v", status, err)
		}
		if n.Load() != 2 {
			t.Errorf("GET on %d: %d requests, want 2", status, n.Load())
		}
	}
}

// 429 means the server refused the request without doing it, so a PATCH may be
// sent again after the wait the server asks for.
func TestPatchIsRetriedOnTooManyRequests(t *testing.T) {
	srv, n := scripted(t, []int{429, 200}, http.Header{"Retry-After": {"2"}}, `{"code":"internal","detail":"slow down"}`)
	c, delays := newTestClient(t, srv.URL)
	if err := patchDone(c); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 || len(*delays) != 1 || (*delays)[0] != 2*time.Second {
		t.Errorf("%d requests, waits %v; want 2 requests and one 2s wait", n.Load(), *delays)
	}
}

// A connection that breaks after the server read the request leaves the change
// perhaps made: the PATCH fails once and says so; a GET is retried.
func TestPatchIsNotRetriedAfterTheRequestWasSent(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		conn.Close()
	}))
	defer srv.Close()

	c, delays := newTestClient(t, srv.URL)
	err := patchDone(c)
	if err == nil || !strings.Contains(err.Error(), "may have been made") {
		t.Errorf("err = %v, want it to say the change may have been made", err)
	}
	if n.Load() != 1 || len(*delays) != 0 {
		t.Errorf("PATCH: %d requests and %d waits, want 1 and none", n.Load(), len(*delays))
	}

	n.Store(0)
	c, _ = newTestClient(t, srv.URL)
	if _, err := c.FindChecklist(context.Background(), "acme", "infra"); err == nil {
		t.Error("GET on a server that hangs up: no error")
	}
	if n.Load() != DefaultAttempts {
		t.Errorf("GET: %d requests, want %d", n.Load(), DefaultAttempts)
	}
}

// A refused connection never carried the request, so even a PATCH is tried again.
func TestPatchIsRetriedWhenTheConnectionIsRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	c, delays := newTestClient(t, "http://"+addr)
	err = patchDone(c)
	if err == nil || !strings.Contains(err.Error(), "not reachable") {
		t.Errorf("err = %v, want the server named unreachable", err)
	}
	if len(*delays) != DefaultAttempts-1 {
		t.Errorf("%d waits, want %d: a refused PATCH is retried", len(*delays), DefaultAttempts-1)
	}
}
