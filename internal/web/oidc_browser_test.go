package web

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// TestBrowserOIDCSignIn drives headless Chromium through the whole redirect flow:
// the RACI sign-in page, the provider's login page, back to RACI signed in as the
// person, a checklist item ticked, and the grant removed. It keeps screenshots of
// the provider's login page and of the tenant page signed in as the person.
func TestBrowserOIDCSignIn(t *testing.T) {
	chromium := chromiumPath(t)
	f := newOIDCFixture(t)
	dir := artifactDir(t)

	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	defer cancelBrowser()

	screenshot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Fatalf("screenshot %s is not a PNG (%d bytes)", name, len(png))
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}

	// RACI's sign-in page sends the browser to the provider's login page.
	err := chromedp.Do(bctx,
		chromedp.Navigate(f.web.URL+"/signin"),
		chromedp.WaitVisible(chromedp.ID("signin-oidc")),
		chromedp.Click(chromedp.ID("signin-oidc")),
		chromedp.WaitVisible(chromedp.ID("username")),
	)
	if err != nil {
		t.Fatalf("reach the provider's login page: %v", err)
	}
	loc, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil || !strings.HasPrefix(loc, f.op.issuer+"/login") {
		t.Fatalf("the login page is at %q, %v; want the provider's %s/login", loc, err, f.op.issuer)
	}
	screenshot("oidc-provider-login.png")

	// Signed in at the provider, the browser comes back signed in to RACI.
	err = chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.ID("username"), "peter"),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/tenants/acme"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/tenants/acme"]`)),
		chromedp.WaitVisible(chromedp.ID("checklist-infrastructure")),
	)
	if err != nil {
		t.Fatalf("come back signed in: %v", err)
	}
	who, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(".who")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(who, "peter@initech.example") || !strings.Contains(who, "checklist via group initech-infra") {
		t.Errorf("the page says %q; want the person's email and \"checklist via group initech-infra\"", who)
	}

	// Tick dns.
	err = chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.ID("infrastructure-dns-evidence"), "https://tickets.example/dns"),
		chromedp.SetValue(chromedp.ID("infrastructure-dns-status"), string(raci.Done)),
		chromedp.Click(chromedp.CSS(`#item-infrastructure-dns button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("p.flash")),
	)
	if err != nil {
		t.Fatalf("tick dns: %v", err)
	}
	screenshot("oidc-tenant-signed-in.png")
	events, err := f.db.ListEvents(t.Context(), "acme", raci.EventFilter{Newest: true, Limit: 1})
	if err != nil || len(events) != 1 || events[0].Actor != "peter@initech.example" {
		t.Fatalf("newest event = %+v, %v; want one by peter@initech.example", events, err)
	}

	// The grant goes; the next request is refused.
	if err := f.db.DeleteAccess(t.Context(), "acme", "infra"); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(bctx,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS("main h1")),
	)
	if err != nil {
		t.Fatalf("reload: %v", err)
	}
	body, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "There is no page here, or you may not see it.") {
		t.Errorf("after the grant was removed the page says %q; want it refused", body)
	}
}
