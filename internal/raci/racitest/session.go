package racitest

import (
	"slices"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// SessionStore is a store of web sessions and the tokens they sign in with: what
// RunSessions tests.
type SessionStore interface {
	raci.SessionService
	raci.TokenService
}

// RunSessions runs the suite of raci.SessionService. open returns a store with no
// tokens and no sessions; it is called once per subtest. When share is not nil it
// returns a second store on the same database as the store it is given (another
// replica), and the suite checks that the two share sessions.
func RunSessions(t *testing.T, open func(t *testing.T) SessionStore, share func(t *testing.T, s SessionStore) SessionStore) {
	run := func(name string, fn func(t *testing.T, s SessionStore)) {
		t.Helper()
		t.Run(name, func(t *testing.T) { fn(t, open(t)) })
	}
	run("Session/CreateFind", testSessionCreateFind)
	run("Session/TokenRevoked", testSessionTokenRevoked)
	run("Session/End", testSessionEnd)
	run("Session/SignInAgain", testSessionSignInAgain)
	run("Session/ListDelete", testSessionListDelete)
	run("Session/Expiry", testSessionExpiry)
	run("Session/Bootstrap", testSessionBootstrap)
	run("Session/Flash", testSessionFlash)
	if share != nil {
		run("Session/SharedByReplicas", func(t *testing.T, s SessionStore) { testSessionShared(t, s, share(t, s)) })
	}
}

const sessionTTL = time.Hour

func mustCreateSession(t *testing.T, s SessionStore, tok *raci.Token, replaces string) (*raci.Session, string) {
	t.Helper()
	sess, secret, err := s.CreateSession(ctx(t), tok, sessionTTL, replaces)
	if err != nil {
		t.Fatalf("CreateSession(%q): %v", tok.Name, err)
	}
	if secret == "" || sess.ID == "" || secret == sess.ID {
		t.Fatalf("CreateSession(%q) = id %q, secret %q: want both, different", tok.Name, sess.ID, secret)
	}
	return sess, secret
}

func mustFindSession(t *testing.T, s SessionStore, secret string, want *raci.Session) *raci.Session {
	t.Helper()
	got, err := s.FindSession(ctx(t), secret)
	if err != nil {
		t.Fatalf("FindSession of session %s: %v", want.ID, err)
	}
	if got.ID != want.ID || got.Token != want.Token || !slices.Equal(got.Scopes, want.Scopes) || !got.ExpiresAt.Equal(want.ExpiresAt) {
		t.Fatalf("FindSession = %+v, want %+v", got, want)
	}
	return got
}

func wantNoSession(t *testing.T, s SessionStore, secret, why string) {
	t.Helper()
	_, err := s.FindSession(ctx(t), secret)
	if raci.ErrorCode(err) != raci.EUNAUTHORIZED {
		t.Fatalf("FindSession %s = %v, want EUNAUTHORIZED", why, err)
	}
}

func sessionIDs(t *testing.T, s SessionStore) []string {
	t.Helper()
	list, err := s.ListSessions(ctx(t))
	if err != nil {
		t.Fatalf("ListSessions: %v", err)
	}
	ids := []string{}
	for _, sess := range list {
		ids = append(ids, sess.ID)
	}
	return ids
}

func testSessionCreateFind(t *testing.T, s SessionStore) {
	tok, _ := mustCreateToken(t, s, "alice", raci.TenantScope("acme", raci.AccessWrite))
	before := time.Now()
	sess, secret := mustCreateSession(t, s, tok, "")
	if sess.Token != "alice" || !slices.Equal(sess.Scopes, tok.Scopes) {
		t.Errorf("session = %+v, want token alice with its scopes", sess)
	}
	if d := sess.ExpiresAt.Sub(sess.CreatedAt); d != sessionTTL {
		t.Errorf("session lasts %s, want %s", d, sessionTTL)
	}
	if sess.CreatedAt.Before(before.Add(-time.Minute)) || sess.CreatedAt.After(time.Now().Add(time.Minute)) {
		t.Errorf("session created at %s, want about now", sess.CreatedAt)
	}
	mustFindSession(t, s, secret, sess)
	wantNoSession(t, s, "", "of an empty secret")
	wantNoSession(t, s, sess.ID, "of the session's ID, which is not its secret")
	wantNoSession(t, s, secret+"x", "of a wrong secret")

	other, otherSecret := mustCreateSession(t, s, tok, "")
	if other.ID == sess.ID || otherSecret == secret {
		t.Error("two sessions got the same ID or secret")
	}
	mustFindSession(t, s, secret, sess)
	mustFindSession(t, s, otherSecret, other)
}

// Revoking a token ends its sessions at once; a token created again under its name
// does not bring them back.
func testSessionTokenRevoked(t *testing.T, s SessionStore) {
	alice, _ := mustCreateToken(t, s, "alice", raci.TenantScope("acme", raci.AccessWrite))
	bob, _ := mustCreateToken(t, s, "bob", raci.TenantScope("acme", raci.AccessRead))
	_, a1 := mustCreateSession(t, s, alice, "")
	_, a2 := mustCreateSession(t, s, alice, "")
	b, bs := mustCreateSession(t, s, bob, "")

	if err := s.DeleteToken(ctx(t), "alice"); err != nil {
		t.Fatalf("DeleteToken: %v", err)
	}
	wantNoSession(t, s, a1, "of a revoked token's session")
	wantNoSession(t, s, a2, "of a revoked token's other session")
	mustFindSession(t, s, bs, b)
	if got := sessionIDs(t, s); !slices.Equal(got, []string{b.ID}) {
		t.Errorf("ListSessions after revoking alice = %v, want only bob's %s", got, b.ID)
	}

	again, _ := mustCreateToken(t, s, "alice", raci.TenantScope("acme", raci.AccessRead))
	wantNoSession(t, s, a1, "of a revoked token's session, once a token of its name exists again")
	_ = again

	// A token revoked between its check at sign-in and the session's creation gets
	// no session.
	if err := s.DeleteToken(ctx(t), "bob"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateSession(ctx(t), bob, sessionTTL, ""); raci.ErrorCode(err) != raci.EUNAUTHORIZED {
		t.Errorf("CreateSession for a deleted token = %v, want EUNAUTHORIZED", err)
	}
}

func testSessionEnd(t *testing.T, s SessionStore) {
	tok, _ := mustCreateToken(t, s, "alice", raci.TenantScope("acme", raci.AccessRead))
	sess, secret := mustCreateSession(t, s, tok, "")
	other, otherSecret := mustCreateSession(t, s, tok, "")
	if err := s.EndSession(ctx(t), secret); err != nil {
		t.Fatalf("EndSession: %v", err)
	}
	wantNoSession(t, s, secret, "after signing out")
	mustFindSession(t, s, otherSecret, other)
	if err := s.EndSession(ctx(t), secret); err != nil {
		t.Errorf("EndSession of an ended session = %v, want no error", err)
	}
	if err := s.EndSession(ctx(t), "never-issued"); err != nil {
		t.Errorf("EndSession of an unknown secret = %v, want no error", err)
	}
	_ = sess
}

// Signing in again from a browser that holds a session ends that session.
func testSessionSignInAgain(t *testing.T, s SessionStore) {
	tok, _ := mustCreateToken(t, s, "alice", raci.TenantScope("acme", raci.AccessRead))
	first, firstSecret := mustCreateSession(t, s, tok, "")
	second, secondSecret := mustCreateSession(t, s, tok, firstSecret)
	wantNoSession(t, s, firstSecret, "of the session signed in over")
	mustFindSession(t, s, secondSecret, second)
	if got := sessionIDs(t, s); !slices.Equal(got, []string{second.ID}) {
		t.Errorf("ListSessions = %v, want only the new session %s (not %s)", got, second.ID, first.ID)
	}
}

func testSessionListDelete(t *testing.T, s SessionStore) {
	if got := sessionIDs(t, s); len(got) != 0 {
		t.Fatalf("ListSessions on an empty store = %v", got)
	}
	tok, _ := mustCreateToken(t, s, "alice", raci.TenantScope("acme", raci.AccessRead))
	var want []string
	var secrets []string
	for range 3 {
		sess, secret := mustCreateSession(t, s, tok, "")
		want = append(want, sess.ID)
		secrets = append(secrets, secret)
	}
	list, err := s.ListSessions(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || list[0].ID != want[0] || list[2].ID != want[2] {
		t.Fatalf("ListSessions = %+v, want the three sessions oldest first: %v", list, want)
	}
	for _, sess := range list {
		if sess.Token != "alice" || len(sess.Scopes) != 1 || sess.Flash != "" {
			t.Errorf("listed session %+v, want alice's with her scope", sess)
		}
	}
	if err := s.DeleteSession(ctx(t), want[1]); err != nil {
		t.Fatalf("DeleteSession: %v", err)
	}
	wantNoSession(t, s, secrets[1], "of a session an administrator ended")
	if got := sessionIDs(t, s); !slices.Equal(got, []string{want[0], want[2]}) {
		t.Errorf("ListSessions after deleting %s = %v", want[1], got)
	}
	wantCode(t, s.DeleteSession(ctx(t), want[1]), raci.ENOTFOUND)
	wantCode(t, s.DeleteSession(ctx(t), "0123456789abcdef0123456789abcdef"), raci.ENOTFOUND)
}

func testSessionExpiry(t *testing.T, s SessionStore) {
	tok, _ := mustCreateToken(t, s, "alice", raci.TenantScope("acme", raci.AccessRead))
	sess, secret, err := s.CreateSession(ctx(t), tok, 50*time.Millisecond, "")
	if err != nil {
		t.Fatal(err)
	}
	mustFindSession(t, s, secret, sess)
	time.Sleep(100 * time.Millisecond)
	wantNoSession(t, s, secret, "of an expired session")
	if got := sessionIDs(t, s); len(got) != 0 {
		t.Errorf("ListSessions = %v, want no expired session", got)
	}
	if _, _, err := s.CreateSession(ctx(t), tok, 0, ""); err == nil {
		t.Error("CreateSession lasting 0 succeeded, want an error")
	}
}

// The server's bootstrap credential has no token row; its sessions last all the
// same.
func testSessionBootstrap(t *testing.T, s SessionStore) {
	boot := &raci.Token{Name: raci.BootstrapTokenName, Scopes: []raci.Scope{raci.AdminScope}}
	sess, secret := mustCreateSession(t, s, boot, "")
	got := mustFindSession(t, s, secret, sess)
	if got.Token != raci.BootstrapTokenName || !slices.Equal(got.Scopes, []raci.Scope{raci.AdminScope}) {
		t.Errorf("bootstrap session = %+v", got)
	}
}

func testSessionFlash(t *testing.T, s SessionStore) {
	tok, _ := mustCreateToken(t, s, "alice", raci.TenantScope("acme", raci.AccessRead))
	sess, secret := mustCreateSession(t, s, tok, "")
	other, _ := mustCreateSession(t, s, tok, "")
	if err := s.SetSessionFlash(ctx(t), sess.ID, `Saved "DNS" <b>`); err != nil {
		t.Fatalf("SetSessionFlash: %v", err)
	}
	if got := mustFindSession(t, s, secret, sess); got.Flash != `Saved "DNS" <b>` {
		t.Errorf("FindSession's flash = %q", got.Flash)
	}
	for i, want := range []string{`Saved "DNS" <b>`, ""} {
		got, err := s.TakeSessionFlash(ctx(t), sess.ID)
		if err != nil || got != want {
			t.Errorf("TakeSessionFlash #%d = %q, %v; want %q", i+1, got, err, want)
		}
	}
	if got, err := s.TakeSessionFlash(ctx(t), other.ID); err != nil || got != "" {
		t.Errorf("another session's flash = %q, %v; want none", got, err)
	}
}

// Two servers on one database: a session started on one is found, and ended, on
// the other.
func testSessionShared(t *testing.T, a, b SessionStore) {
	tok, _ := mustCreateToken(t, a, "alice", raci.TenantScope("acme", raci.AccessWrite))
	sess, secret := mustCreateSession(t, a, tok, "")
	mustFindSession(t, b, secret, sess)
	if err := b.SetSessionFlash(ctx(t), sess.ID, "saved"); err != nil {
		t.Fatal(err)
	}
	if got, err := a.TakeSessionFlash(ctx(t), sess.ID); err != nil || got != "saved" {
		t.Errorf("the flash set on one replica, taken on the other = %q, %v", got, err)
	}
	if err := b.EndSession(ctx(t), secret); err != nil {
		t.Fatal(err)
	}
	wantNoSession(t, a, secret, "on one replica of a session signed out on the other")

	_, secret = mustCreateSession(t, a, tok, "")
	if err := b.DeleteToken(ctx(t), "alice"); err != nil {
		t.Fatal(err)
	}
	wantNoSession(t, a, secret, "on one replica of a session whose token the other revoked")
}
