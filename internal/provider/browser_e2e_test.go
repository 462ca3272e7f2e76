package provider

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/raci-dev/terraform-provider-raci/internal/client"
	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/server"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
	"github.com/raci-dev/terraform-provider-raci/internal/web"
)

// browserTimeout bounds the whole browser session: starting Chromium, signing in,
// ticking the item and taking the screenshot.
const browserTimeout = 60 * time.Second

// startWebServer is startServer with the web pages mounted beside the API on the
// same loopback server, routed as serve does: /v1 and the probes to the API,
// every other path to the pages, both on the same SQLite store, which also
// authenticates the tokens people sign in with.
func startWebServer(t *testing.T) *testServer {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "raci.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	ts := &testServer{Store: store}
	mux := http.NewServeMux()
	api := server.New(store, server.Options{Token: testToken})
	for _, path := range []string{"/v1", "/v1/", "/healthz", "/readyz", "/metrics"} {
		mux.Handle(path, api)
	}
	mux.Handle("/", web.New(store, store, web.Options{Token: testToken}))
	srv := httptest.NewServer(mux) // listens on 127.0.0.1 only
	t.Cleanup(func() {
		srv.Close()
		store.Close()
	})
	c, err := client.New(srv.URL, client.WithToken(testToken))
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	ts.URL, ts.API = srv.URL, c
	return ts
}

// e2eChromium returns the Chromium to drive. Without one the test skips on a
// developer's machine and fails in CI (CI=true), where the browser must be there.
func e2eChromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed: CI runs the browser end-to-end test (apt-get install chromium)")
	}
	t.Skip("chromium is not installed; install it (apt-get install chromium) to run the browser end-to-end test")
	return ""
}

// e2eArtifactDir is where the screenshot goes: RACI_TEST_ARTIFACTS, or a
// directory removed after the test.
func e2eArtifactDir(t *testing.T) string {
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

// TestAccBrowser_tickChecklistItem applies a checklist with Terraform, ticks one
// of its items in a real browser as a subscriber's engineer would (signing in with
// a checklist-scoped token), and checks that Terraform then plans nothing: the
// status is the subscriber's, not the configuration's.
func TestAccBrowser_tickChecklistItem(t *testing.T) {
	chromium := e2eChromium(t)
	srv := startWebServer(t)
	const (
		tokenName = "initech-browser"
		evidence  = "https://tickets.example/INC-4711"
	)

	browse := func() {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
		defer cancel()

		tok, secret, err := srv.Store.CreateToken(ctx, &raci.Token{
			Name:   tokenName,
			Scopes: []raci.Scope{raci.TenantScope("initech", raci.AccessChecklist)},
		})
		if err != nil {
			t.Fatalf("create token: %v", err)
		}
		if got, want := fmt.Sprint(tok.Scopes), "[tenant:initech:checklist]"; got != want {
			t.Fatalf("token scopes = %s, want %s", got, want)
		}

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

		// Sign in. The sign-in form carries its CSRF token in a hidden field and a
		// cookie; the browser sends both, as a person's would.
		err = chromedp.Do(bctx,
			chromedp.Navigate(srv.URL+"/signin"),
			chromedp.WaitVisible(chromedp.ID("token")),
			chromedp.SendKeys(chromedp.ID("token"), secret),
			chromedp.Click(chromedp.CSS(`form[action="/signin"] button[type="submit"]`)),
			// The tenant list shows who is signed in; the sign-in page does not.
			chromedp.WaitVisible(chromedp.CSS(".who")),
		)
		if err != nil {
			t.Fatalf("sign in: %v", err)
		}
		who, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(".who")))
		if err != nil {
			t.Fatalf("read who is signed in: %v", err)
		}
		if !strings.Contains(who, tokenName) {
			t.Fatalf("signed in as %q, want the token %q", who, tokenName)
		}

		// The checklist as Terraform left it: nothing ready.
		progress := chromedp.Text(chromedp.CSS(`label[for="progress-infrastructure"]`))
		err = chromedp.Do(bctx,
			chromedp.Navigate(srv.URL+"/tenants/initech"),
			chromedp.WaitVisible(chromedp.ID("checklist-infrastructure")),
		)
		if err != nil {
			t.Fatalf("open tenant page: %v", err)
		}
		before, err := chromedp.Run(bctx, progress)
		if err != nil {
			t.Fatalf("read progress: %v", err)
		}
		if want := "Progress: 0/2 required items ready"; strings.TrimSpace(before) != want {
			t.Fatalf("progress before = %q, want %q", before, want)
		}

		// Tick dns: evidence, status done, Save.
		err = chromedp.Do(bctx,
			chromedp.SendKeys(chromedp.ID("infrastructure-dns-evidence"), evidence),
			chromedp.SetValue(chromedp.ID("infrastructure-dns-status"), string(raci.Done)),
			chromedp.Click(chromedp.CSS(`#item-infrastructure-dns button[type="submit"]`)),
			// The page the POST redirects to carries the flash; the form page does not.
			chromedp.WaitVisible(chromedp.CSS("p.flash")),
		)
		if err != nil {
			t.Fatalf("tick dns: %v", err)
		}
		flash, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("p.flash")))
		if err != nil {
			t.Fatalf("read flash: %v", err)
		}
		if want := `Saved "DNS records created" of Private SaaS Infrastructure Checklist: done.`; strings.TrimSpace(flash) != want {
			t.Errorf("flash = %q, want %q", flash, want)
		}
		after, err := chromedp.Run(bctx, progress)
		if err != nil {
			t.Fatalf("read progress: %v", err)
		}
		if want := "Progress: 1/2 required items ready"; strings.TrimSpace(after) != want {
			t.Errorf("progress after = %q, want %q", after, want)
		}
		status, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#item-infrastructure-dns .status")))
		if err != nil {
			t.Fatalf("read dns status: %v", err)
		}
		if strings.TrimSpace(status) != string(raci.Done) {
			t.Errorf("dns status shown = %q, want %q", status, raci.Done)
		}

		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		if !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Fatalf("the screenshot is not a PNG (%d bytes)", len(png))
		}
		path := filepath.Join(e2eArtifactDir(t), "browser-e2e-tenant.png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)

		// What the browser did, as the API sees it.
		c, err := srv.API.FindChecklist(ctx, "initech", "infrastructure")
		if err != nil {
			t.Fatalf("find checklist: %v", err)
		}
		dns := c.Item("dns")
		if dns == nil {
			t.Fatal("the checklist has no item dns")
		}
		if dns.Status != raci.Done || dns.Evidence != evidence {
			t.Errorf("dns = %s %q, want %s %q", dns.Status, dns.Evidence, raci.Done, evidence)
		}
		if vms := c.Item("vms"); vms == nil || vms.Status != raci.Pending {
			t.Errorf("vms = %+v, want pending", vms)
		}
		events, err := srv.API.ListEvents(ctx, "initech", raci.EventFilter{
			Object: raci.ChecklistObject("infrastructure"), Newest: true, Limit: 1,
		})
		if err != nil {
			t.Fatalf("list events: %v", err)
		}
		if len(events) != 1 {
			t.Fatalf("got %d events for checklist/infrastructure, want 1", len(events))
		}
		if e := events[0]; e.Actor != tokenName || e.Action != raci.ActionUpdate {
			t.Errorf("newest event = %s by %q, want %s by %q", e.Action, e.Actor, raci.ActionUpdate, tokenName)
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: checklistConfig(srv, vmsItem+dnsItem),
				ConfigStateChecks: []statecheck.StateCheck{
					reported("dns", "status", knownvalue.StringExact("pending")),
				},
			},
			{
				PreConfig: browse,
				Config:    checklistConfig(srv, vmsItem+dnsItem),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					reported("dns", "status", knownvalue.StringExact("done")),
					// The tick is the person's: their token is named as its author.
					reported("dns", "updated_by", knownvalue.StringExact(tokenName)),
					itemAttr("dns", "status", knownvalue.Null()),
				},
			},
		},
	})
}
