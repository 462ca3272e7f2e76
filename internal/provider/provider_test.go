package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/raci-dev/terraform-provider-raci/internal/client"
	"github.com/raci-dev/terraform-provider-raci/internal/raci"
	"github.com/raci-dev/terraform-provider-raci/internal/server"
	"github.com/raci-dev/terraform-provider-raci/internal/sqlite"
)

// testToken is the bootstrap token of the servers the acceptance tests start.
const testToken = "acceptance-test-token"

// protoV6ProviderFactories runs the provider in-process, for the real terraform
// binary to talk to.
var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"raci": NewServerWithError("test", testStores),
}

// testStores are the stores main wires (cli.ProviderStores), which this package's
// tests cannot import.
var testStores = Stores{
	Team: func(endpoint, token, userAgent string) (raci.Service, error) {
		c, err := client.New(endpoint, client.WithToken(token), client.WithUserAgent(userAgent))
		if err != nil {
			return nil, err
		}
		return c, nil
	},
	Local: func(ctx context.Context, path string) (raci.Service, error) {
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			return nil, err
		}
		return db, nil
	},
}

// testServer is a real RACI server on a temporary SQLite file, started in-process.
type testServer struct {
	URL string
	// Store is the server's database, for writes that must not go through the HTTP
	// handler (see beforeRequest).
	Store *sqlite.DB
	// beforeRequest, when set, runs before the server handles each request: a test
	// uses it to let another writer in between Terraform's plan and its apply.
	beforeRequest func(r *http.Request)
	// API is a client of the server, for the out-of-band changes a person or a
	// script would make between Terraform runs.
	API *client.Client
}

// startServer starts a server for one test and stops it when the test ends.
func startServer(t testing.TB) *testServer {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "raci.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	ts := &testServer{Store: store}
	api := server.New(store, server.Options{Token: testToken})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ts.beforeRequest != nil {
			ts.beforeRequest(r)
		}
		api.ServeHTTP(w, r)
	}))
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

// providerBlock configures the provider for team mode against the server.
func (s *testServer) providerBlock() string {
	return fmt.Sprintf(`
provider "raci" {
  endpoint = %q
  token    = %q
}
`, s.URL, testToken)
}

// outOfBand runs a change through the API between Terraform runs, failing the test
// if the server refuses it.
func outOfBand(t *testing.T, change func(ctx context.Context) error) func() {
	return func() {
		t.Helper()
		if err := change(context.Background()); err != nil {
			t.Fatalf("out-of-band change: %v", err)
		}
	}
}

// errorLike matches an error message in Terraform's output, which wraps long lines
// wherever a space was.
func errorLike(message string) *regexp.Regexp {
	words := strings.Fields(message)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `\s+`))
}

func TestAccProvider_noStoreConfigured(t *testing.T) {
	t.Setenv(envEndpoint, "")
	t.Setenv(envDatabase, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "raci" {}

resource "raci_tenant" "test" {
  name             = "initech"
  deployment_model = "private_saas"
}
`,
			ExpectError: errorLike("The provider needs a RACI server or a local database. For team mode set `endpoint`"),
		}},
	})
}

func TestAccProvider_wrongToken(t *testing.T) {
	srv := startServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "raci" {
  endpoint = %q
  token    = "not-the-token"
}

resource "raci_tenant" "test" {
  name             = "initech"
  deployment_model = "private_saas"
}
`, srv.URL),
			ExpectError: errorLike("Check the provider's token (or RACI_TOKEN)."),
		}},
	})
}
