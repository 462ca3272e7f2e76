package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/webhook/webhooktest"
)

const hookSecret = "c0ffee-webhook-secret-of-the-tests"

// mustAPI sends a request with the bootstrap token and fails unless it succeeds.
func mustAPI(t *testing.T, method, url, body string) string {
	t.Helper()
	status, b := api(t, method, url, "", body)
	if status/100 != 2 {
		t.Fatalf("%s %s: %d %s", method, url, status, b)
	}
	return b
}

// seedInformed writes tenant acme with a vendor, a customer that is consulted and
// an auditor that is informed, and a webhook of every event kind to url.
func seedInformed(t *testing.T, base, url string) {
	t.Helper()
	for _, w := range [][2]string{
		{"/v1/tenants/acme", `{"deployment_model": "private_saas"}`},
		{"/v1/tenants/acme/parties/vendor", `{"kind": "vendor", "display_name": "Vendor", "contacts": ["#vendor-ops"]}`},
		{"/v1/tenants/acme/parties/customer", `{"kind": "customer", "display_name": "Initech", "contacts": ["infra@initech.example", "#initech-infra"]}`},
		{"/v1/tenants/acme/webhooks/ops", fmt.Sprintf(`{"url": %q, "secret": %q, "events": ["responsibility", "party", "checklist", "readiness"]}`, url, hookSecret)},
	} {
		mustAPI(t, http.MethodPut, base+w[0], w[1])
	}
}

func deliveriesOf(t *testing.T, base, hook string) []raci.Delivery {
	t.Helper()
	var page raci.Page[raci.Delivery]
	if err := json.Unmarshal([]byte(mustAPI(t, http.MethodGet, base+"/v1/tenants/acme/webhooks/"+hook+"/deliveries?limit=1000", "")), &page); err != nil {
		t.Fatal(err)
	}
	return page.Items
}

// One signed delivery per event, each with what a receiver needs to route it: the
// C and I parties of a row with their contacts and holders, the readiness of a
// checklist before and after.
func TestServeWebhookDeliveries(t *testing.T) {
	t.Setenv("RACI_BOOTSTRAP_TOKEN", sessionTestToken)
	for _, store := range []struct {
		name     string
		database func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "raci.db") }},
		{"postgres", postgresDatabase},
	} {
		t.Run(store.name, func(t *testing.T) {
			rcv := webhooktest.New(hookSecret)
			defer rcv.Close()
			base, logs, _ := startServe(t, "--listen", "127.0.0.1:0", "--database", store.database(t), "--webhook-poll", "50ms")
			seedInformed(t, base, rcv.URL)
			for _, w := range [][3]string{
				{http.MethodPut, "/v1/tenants/acme/parties/auditor", `{"kind": "third_party", "contacts": ["audit@example.com"]}`},
				{http.MethodPut, "/v1/tenants/acme/responsibilities/backing-up", `{"title": "Backing up", "assignments": [
					{"party": "vendor", "roles": ["R"]},
					{"party": "customer", "roles": ["A", "C"], "holder": "Initech infrastructure team"},
					{"party": "auditor", "roles": ["I"]}]}`},
				{http.MethodPut, "/v1/tenants/acme/checklists/infra", `{"title": "Infrastructure", "gate": "deploy:production", "items": [
					{"key": "dns", "title": "DNS delegated", "owner": "customer", "required": true},
					{"key": "tls", "title": "TLS certificate", "owner": "vendor", "required": true}]}`},
				{http.MethodPatch, "/v1/tenants/acme/checklists/infra/items/dns", `{"status": "done"}`},
				{http.MethodPatch, "/v1/tenants/acme/checklists/infra/items/tls", `{"status": "done"}`},
			} {
				mustAPI(t, w[0], base+w[1], w[2])
			}
			// The party, the row, the checklist, two ticks, and the gate opening.
			const want = 6
			if !rcv.WaitFor(want, 20*time.Second) {
				d, _, bad, _ := rcv.Counts()
				t.Fatalf("%d of %d deliveries arrived (%d bad signatures)", d, want, bad)
			}
			time.Sleep(300 * time.Millisecond) // time for a duplicate to show
			distinct, dups, bad, _ := rcv.Counts()
			if distinct != want || dups != 0 || bad != 0 {
				t.Errorf("received %d deliveries, %d duplicates, %d bad signatures; want %d, 0, 0", distinct, dups, bad, want)
			}
			got := rcv.Received()
			var kinds []string
			for _, r := range got {
				kinds = append(kinds, r.Body.Kind+" "+r.Body.Event.Object+" "+r.Body.Event.Action)
				if r.Body.ID != r.ID || r.Body.Webhook != "ops" || r.Body.Tenant != "acme" || r.Body.Event.Actor != raci.BootstrapTokenName {
					t.Errorf("delivery %s: body names id %s, webhook %s, tenant %s, actor %s", r.ID, r.Body.ID, r.Body.Webhook, r.Body.Tenant, r.Body.Event.Actor)
				}
			}
			slices.Sort(kinds)
			wantKinds := []string{
				"checklist checklist/infra create", "checklist checklist/infra update", "checklist checklist/infra update",
				"party party/auditor create", "readiness checklist/infra update", "responsibility responsibility/backing-up create",
			}
			if !slices.Equal(kinds, wantKinds) {
				t.Errorf("deliveries = %q, want %q", kinds, wantKinds)
			}
			for _, r := range got {
				switch r.Body.Kind {
				case raci.WebhookResponsibility:
					// In the row's order, parties by name; the vendor, R only, is not in it.
					wantInform := []raci.InformedParty{
						{Party: "auditor", DisplayName: "", Roles: []raci.Role{raci.Informed}, Contacts: []string{"audit@example.com"}},
						{Party: "customer", DisplayName: "Initech", Roles: []raci.Role{raci.Consulted}, Holder: "Initech infrastructure team", Contacts: []string{"#initech-infra", "infra@initech.example"}},
					}
					if gotJSON, wantJSON := jsonOf(r.Body.Inform), jsonOf(wantInform); gotJSON != wantJSON {
						t.Errorf("inform = %s, want %s", gotJSON, wantJSON)
					}
					var row raci.Responsibility
					if err := json.Unmarshal(r.Body.Object, &row); err != nil || row.Key != "backing-up" || len(row.Assignments) != 3 {
						t.Errorf("object = %s (%v), want the row after the change", r.Body.Object, err)
					}
					if string(r.Body.Event.Before) != "null" || r.Body.Event.After == nil {
						t.Errorf("event of a create: before %s, after %s", r.Body.Event.Before, r.Body.Event.After)
					}
					t.Logf("a delivered body (%d bytes):\n%s", len(r.Raw), r.Raw)
					t.Logf("X-Raci-Delivery: %s", r.ID)
					t.Logf("X-Raci-Signature-256: %s", r.Signature)
					t.Logf("HMAC-SHA256 of the body under the secret, recomputed: %s (verified: %v)",
						raci.Sign(hookSecret, r.Raw), raci.VerifySignature(hookSecret, r.Raw, r.Signature))
				case raci.WebhookReadiness:
					rc := r.Body.Readiness
					if rc == nil || rc.Before == nil || rc.After == nil || rc.Before.Ready || !rc.After.Ready || rc.After.Gate != "deploy:production" {
						t.Errorf("readiness = %s, want not ready before and ready after, for gate deploy:production", jsonOf(rc))
					}
				}
			}
			for _, d := range deliveriesOf(t, base, "ops") {
				if d.Status != raci.DeliveryDelivered || d.Attempts != 1 || d.Delivered == nil {
					t.Errorf("delivery %s %s: status %s after %d attempts; want delivered at the first", d.Kind, d.Object, d.Status, d.Attempts)
				}
			}
			if strings.Contains(logs.String(), hookSecret) {
				t.Errorf("the server's log holds the webhook's secret")
			}
		})
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// A receiver that is down for a while gets every delivery once it is back; one
// that stays down past the maximum age has its deliveries marked failed.
func TestServeWebhookRetries(t *testing.T) {
	t.Setenv("RACI_BOOTSTRAP_TOKEN", sessionTestToken)
	rcv := webhooktest.New(hookSecret)
	defer rcv.Close()
	rcv.Failing.Store(true)
	base, _, _ := startServe(t, "--listen", "127.0.0.1:0", "--database", "sqlite:"+filepath.Join(t.TempDir(), "raci.db"),
		"--webhook-poll", "50ms", "--webhook-backoff", "100ms", "--webhook-max-age", "10m")
	seedInformed(t, base, rcv.URL)
	const rows = 5
	for i := range rows {
		mustAPI(t, http.MethodPut, fmt.Sprintf("%s/v1/tenants/acme/responsibilities/task-%d", base, i),
			`{"title": "Task", "assignments": [{"party": "vendor", "roles": ["R", "A"]}, {"party": "customer", "roles": ["I"]}]}`)
	}
	down := 2 * time.Second
	time.Sleep(down)
	pending := deliveriesOf(t, base, "ops")
	for _, d := range pending {
		if d.Status != raci.DeliveryPending || d.Attempts < 2 || !strings.Contains(d.LastError, "503") {
			t.Errorf("while the receiver is down: delivery %s is %s after %d attempts (%q); want pending, retried, with the 503",
				d.Object, d.Status, d.Attempts, d.LastError)
		}
	}
	recovered := time.Now()
	rcv.Failing.Store(false)
	if !rcv.WaitFor(rows, 20*time.Second) {
		d, _, _, _ := rcv.Counts()
		t.Fatalf("%d of %d deliveries arrived after the receiver recovered", d, rows)
	}
	var last time.Time
	for _, r := range rcv.Received() {
		if r.At.After(last) {
			last = r.At
		}
	}
	time.Sleep(300 * time.Millisecond)
	distinct, dups, bad, refused := rcv.Counts()
	attempts := 0
	for _, d := range deliveriesOf(t, base, "ops") {
		attempts += d.Attempts
		if d.Status != raci.DeliveryDelivered || d.LastError != "" {
			t.Errorf("delivery %s: %s (%q) after recovery, want delivered", d.Object, d.Status, d.LastError)
		}
	}
	if distinct != rows || dups != 0 || bad != 0 {
		t.Errorf("received %d, %d duplicates, %d bad signatures; want %d, 0, 0", distinct, dups, bad, rows)
	}
	t.Logf("receiver down %s: %d requests refused, %d attempts in all; %d deliveries, %d duplicates; the last arrived %s after recovery",
		down, refused, attempts, distinct, dups, last.Sub(recovered).Round(time.Millisecond))

	t.Run("gives up after the maximum age", func(t *testing.T) {
		dead := webhooktest.New(hookSecret)
		defer dead.Close()
		dead.Failing.Store(true)
		base, _, _ := startServe(t, "--listen", "127.0.0.1:0", "--database", "sqlite:"+filepath.Join(t.TempDir(), "raci.db"),
			"--webhook-poll", "50ms", "--webhook-backoff", "100ms", "--webhook-max-age", "700ms")
		seedInformed(t, base, dead.URL)
		mustAPI(t, http.MethodPut, base+"/v1/tenants/acme/parties/auditor", `{"kind": "third_party"}`)
		deadline := time.Now().Add(10 * time.Second)
		for {
			ds := deliveriesOf(t, base, "ops")
			if len(ds) == 1 && ds[0].Status == raci.DeliveryFailed {
				if !strings.Contains(ds[0].LastError, "503") || ds[0].Attempts < 2 {
					t.Errorf("failed delivery: %d attempts, last error %q; want retries ending in the 503", ds[0].Attempts, ds[0].LastError)
				}
				t.Logf("marked failed after %d attempts: %s", ds[0].Attempts, ds[0].LastError)
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("deliveries = %+v, want one marked failed", ds)
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond)
		if _, _, _, refused := dead.Counts(); refused > 12 {
			t.Errorf("%d attempts at a failed delivery: it was tried after it was marked failed", refused)
		}
	})
}

// Two servers on one PostgreSQL database send each delivery once.
func TestServeWebhookReplicasSendOnce(t *testing.T) {
	t.Setenv("RACI_BOOTSTRAP_TOKEN", sessionTestToken)
	rcv := webhooktest.New(hookSecret)
	defer rcv.Close()
	database := postgresDatabase(t)
	args := []string{"--listen", "127.0.0.1:0", "--database", database, "--webhook-poll", "20ms"}
	a, _, _ := startServe(t, args...)
	b, _, _ := startServe(t, args...)
	seedInformed(t, a, rcv.URL)

	const writers, each = 4, 50
	start := time.Now()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := []string{a, b}[w%2]
			for i := range each {
				mustAPI(t, http.MethodPut, fmt.Sprintf("%s/v1/tenants/acme/responsibilities/w%d-%d", base, w, i),
					`{"title": "Task", "assignments": [{"party": "vendor", "roles": ["R", "A"]}, {"party": "customer", "roles": ["C"]}]}`)
			}
		}()
	}
	wg.Wait()
	want := writers * each
	if !rcv.WaitFor(want, 60*time.Second) {
		d, _, _, _ := rcv.Counts()
		t.Fatalf("%d of %d deliveries arrived", d, want)
	}
	var lastAt time.Time
	for _, r := range rcv.Received() {
		if r.At.After(lastAt) {
			lastAt = r.At
		}
	}
	time.Sleep(time.Second) // time for a duplicate to show
	distinct, dups, bad, _ := rcv.Counts()
	if distinct != want || dups != 0 || bad != 0 {
		t.Errorf("received %d distinct deliveries, %d duplicates, %d bad signatures; want %d, 0, 0", distinct, dups, bad, want)
	}
	// Which server sent each: both took part.
	conn, err := pgx.Connect(context.Background(), database)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(context.Background(), `SELECT claimed_by, count(*) FROM webhook_deliveries WHERE status = 'delivered' GROUP BY claimed_by`)
	if err != nil {
		t.Fatal(err)
	}
	senders := map[string]int{}
	for rows.Next() {
		var who string
		var n int
		if err := rows.Scan(&who, &n); err != nil {
			t.Fatal(err)
		}
		senders[who] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(senders) != 2 {
		t.Errorf("deliveries by sender = %v, want both servers to have sent some", senders)
	}
	var split []int
	for _, n := range senders {
		split = append(split, n)
	}
	t.Logf("%d writes through 2 servers on one PostgreSQL: %d deliveries, %d duplicates, split %v between the servers; all arrived %s after the first write",
		want, distinct, dups, split, lastAt.Sub(start).Round(time.Millisecond))
}
