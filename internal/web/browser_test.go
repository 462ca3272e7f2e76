package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// chromiumPath returns Debian's headless-capable Chromium. Without it the browser
// test skips on a developer's machine and fails in CI (CI=true), where .ci/run
// installs it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed: CI runs the browser test (apt-get install chromium)")
	}
	t.Skip("chromium is not installed; install it to run the browser test")
	return ""
}

// artifactDir is where screenshots go: RACI_TEST_ARTIFACTS, or a directory removed
// after the test.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("RACI_TEST_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runChromium runs headless Chromium with args and a throw-away profile.
func runChromium(t *testing.T, chromium string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-first-run", "--hide-scrollbars", "--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, chromium, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes()
}

// TestBrowserTenantPage renders a signed-in tenant page in a real browser and keeps
// screenshots at laptop and phone widths.
func TestBrowserTenantPage(t *testing.T) {
	chromium := chromiumPath(t)
	f := newFixture(t)
	ctx := raci.WithActor(context.Background(), "acme-checklist")
	done, evidence := raci.Done, "https://tickets.example/dns"
	if _, err := f.db.UpdateChecklistItem(ctx, "acme", "infrastructure", "dns", raci.ItemPatch{Status: &done, Evidence: &evidence}, raci.Precondition{}); err != nil {
		t.Fatal(err)
	}

	h := New(f.db, f.db, Options{})
	_, secret, err := f.db.CreateSession(ctx, &raci.Token{Name: "acme-checklist", Scopes: []raci.Scope{raci.TenantScope("acme", raci.AccessChecklist)}}, time.Hour, "")
	if err != nil {
		t.Fatal(err)
	}
	// Chromium's command line cannot set a cookie, so this test-only wrapper adds the
	// session cookie to every request; the handler itself has no such hook.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: secret})
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	url := srv.URL + "/tenants/acme"

	dom := string(runChromium(t, chromium, "--dump-dom", url))
	for _, want := range []string{"Infrastructure Checklist", "Progress: 1/2 required items ready", "<strong>A</strong>", "Signed in as"} {
		if !bytes.Contains([]byte(dom), []byte(want)) {
			t.Errorf("the page Chromium rendered lacks %q", want)
		}
	}

	dir := artifactDir(t)
	for _, shot := range []struct{ name, size string }{
		{"tenant-laptop.png", "1280,900"},
		{"tenant-phone.png", "390,844"},
	} {
		path := filepath.Join(dir, shot.name)
		_ = os.Remove(path)
		runChromium(t, chromium, "--screenshot="+path, "--window-size="+shot.size, url)
		png, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("no screenshot: %v", err)
		}
		if !bytes.HasPrefix(png, []byte("\x89PNG")) || len(png) < 10_000 {
			t.Errorf("%s is not a plausible screenshot (%d bytes)", path, len(png))
		}
		t.Logf("screenshot: %s", path)
	}
}
