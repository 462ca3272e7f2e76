package raci

import (
	"strings"
	"testing"
)

// A known HMAC-SHA256 vector: a receiver computing the signature with any library
// gets the same header.
func TestSignKnownVector(t *testing.T) {
	body := []byte("The quick brown fox jumps over the lazy dog")
	const want = "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
	if got := Sign("key", body); got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
	if !VerifySignature("key", body, want) {
		t.Error("VerifySignature refuses the right signature")
	}
	for _, bad := range []string{want[:len(want)-1] + "9", strings.TrimPrefix(want, "sha256="), "", "sha256=" + strings.Repeat("0", 64)} {
		if VerifySignature("key", body, bad) {
			t.Errorf("VerifySignature accepts %q", bad)
		}
	}
	if VerifySignature("other", body, want) {
		t.Error("VerifySignature accepts a signature under another secret")
	}
}

func TestWebhookValidateListsEveryProblem(t *testing.T) {
	h := &Webhook{Tenant: "Acme", Name: "", URL: "gopher://x", Secret: "tiny", Events: []string{"readiness", "tenant"}}
	err := h.Validate()
	fields := map[string]bool{}
	for _, p := range ErrorProblems(err) {
		fields[p.Field] = true
		if strings.Contains(p.Detail, "tiny") {
			t.Errorf("problem %s quotes the secret: %s", p.Field, p.Detail)
		}
	}
	for _, f := range []string{"tenant", "name", "url", "secret", "events[1]"} {
		if !fields[f] {
			t.Errorf("no problem on %s; problems: %+v", f, ErrorProblems(err))
		}
	}
	if fields["events[0]"] {
		t.Error("readiness is a supported event")
	}
}

func TestWebhookURLProblem(t *testing.T) {
	for u, ok := range map[string]bool{
		"https://hooks.example.com/raci":     true,
		"http://127.0.0.1:8080/hook?x=1":     true,
		"ftp://hooks.example.com/raci":       false,
		"file:///etc/passwd":                 false,
		"javascript:alert(1)":                false,
		"//hooks.example.com/raci":           false,
		"https://":                           false,
		"https://user:pw@hooks.example.com/": false,
		"https://hooks.example.com/a b":      false,
		"":                                   false,
	} {
		if got := WebhookURLProblem(u) == ""; got != ok {
			t.Errorf("WebhookURLProblem(%q) = %q, want ok=%v", u, WebhookURLProblem(u), ok)
		}
	}
}

func TestWebhookRedactedDropsOnlyTheSecret(t *testing.T) {
	h := &Webhook{Tenant: "acme", Name: "ops", URL: "https://x.example", Secret: "0123456789abcdef", Events: []string{"party"}}
	r := h.Redacted()
	if r.Secret != "" || h.Secret == "" || r.URL != h.URL || len(r.Events) != 1 {
		t.Errorf("Redacted = %+v from %+v", r, h)
	}
}
