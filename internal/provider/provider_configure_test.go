package provider

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// fakeStores records what Configure asks of the stores and answers with a service
// that is never called, or with the error set for the mode.
type fakeStores struct {
	teamArgs  []string
	localPath string
	teamErr   error
	localErr  error
}

type unusedService struct{ raci.Service }

func (f *fakeStores) stores() Stores {
	return Stores{
		Team: func(endpoint, token, userAgent string) (raci.Service, error) {
			f.teamArgs = []string{endpoint, token, userAgent}
			if f.teamErr != nil {
				return nil, f.teamErr
			}
			return unusedService{}, nil
		},
		Local: func(_ context.Context, path string) (raci.Service, error) {
			f.localPath = path
			if f.localErr != nil {
				return nil, f.localErr
			}
			return unusedService{}, nil
		},
	}
}

// configure runs Configure on a provider block with these settings ("" is null) and
// no RACI_* environment variables.
func configure(t *testing.T, stores Stores, endpoint, token, database string) *provider.ConfigureResponse {
	t.Helper()
	for _, env := range []string{envEndpoint, envToken, envDatabase} {
		t.Setenv(env, "")
	}
	ctx := context.Background()
	p := New("1.2.3", stores)()
	var sr provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &sr)
	str := func(s string) tftypes.Value {
		if s == "" {
			return tftypes.NewValue(tftypes.String, nil)
		}
		return tftypes.NewValue(tftypes.String, s)
	}
	raw := tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), map[string]tftypes.Value{
		"endpoint": str(endpoint), "token": str(token), "database": str(database),
	})
	resp := &provider.ConfigureResponse{}
	p.Configure(ctx, provider.ConfigureRequest{Config: tfsdk.Config{Schema: sr.Schema, Raw: raw}}, resp)
	return resp
}

// configuredActor returns who the configured provider's writes are recorded as.
func configuredActor(t *testing.T, resp *provider.ConfigureResponse) string {
	t.Helper()
	data, ok := resp.ResourceData.(*providerData)
	if !ok {
		t.Fatalf("Configure handed resources %T, want *providerData", resp.ResourceData)
	}
	cache, ok := data.svc.(*snapshotCache)
	if !ok {
		t.Fatalf("resources work against %T, want the snapshot cache", data.svc)
	}
	return cache.actor
}

func summaries(ds diag.Diagnostics) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Severity().String()+": "+d.Summary())
	}
	return out
}

func TestConfigure_teamMode(t *testing.T) {
	var f fakeStores
	resp := configure(t, f.stores(), "https://raci.example.com", "s3cret", "")
	if len(resp.Diagnostics) != 0 {
		t.Fatalf("diagnostics: %v", summaries(resp.Diagnostics))
	}
	if want := []string{"https://raci.example.com", "s3cret", "terraform-provider-raci/1.2.3"}; strings.Join(f.teamArgs, " ") != strings.Join(want, " ") {
		t.Errorf("team store opened with %q, want %q", f.teamArgs, want)
	}
	if f.localPath != "" {
		t.Errorf("team mode opened a local database %q", f.localPath)
	}
	if resp.DataSourceData != resp.ResourceData {
		t.Errorf("resource data %T and data source data %T differ", resp.ResourceData, resp.DataSourceData)
	}
	if actor := configuredActor(t, resp); actor != "" {
		t.Errorf("team mode names actor %q; the server names it from the token", actor)
	}
}

func TestConfigure_endpointWinsOverDatabase(t *testing.T) {
	var f fakeStores
	resp := configure(t, f.stores(), "https://raci.example.com", "", "raci.db")
	if got := summaries(resp.Diagnostics); strings.Join(got, "|") != "Warning: RACI Database Ignored" {
		t.Errorf("diagnostics = %q, want only the warning that the database is ignored", got)
	}
	if f.teamArgs == nil || f.localPath != "" {
		t.Errorf("team store opened: %v; local database opened: %q; want the team store only", f.teamArgs != nil, f.localPath)
	}
}

func TestConfigure_localMode(t *testing.T) {
	var f fakeStores
	resp := configure(t, f.stores(), "", "", "state/raci.db")
	if len(resp.Diagnostics) != 0 {
		t.Fatalf("diagnostics: %v", summaries(resp.Diagnostics))
	}
	if f.localPath != "state/raci.db" || f.teamArgs != nil {
		t.Errorf("local database %q, team store %q; want local database state/raci.db only", f.localPath, f.teamArgs)
	}
	if actor := configuredActor(t, resp); !strings.HasPrefix(actor, "terraform-local") {
		t.Errorf("local mode writes as %q, want the local user (terraform-local...)", actor)
	}
}

func TestConfigure_storeErrors(t *testing.T) {
	cases := []struct {
		name                string
		endpoint, database  string
		f                   fakeStores
		summary, attr, text string
	}{
		{"endpoint", "raci.example.com", "", fakeStores{teamErr: errors.New("the endpoint needs a scheme")},
			"Invalid RACI Endpoint", "endpoint", `The endpoint "raci.example.com" cannot be used: the endpoint needs a scheme.`},
		{"database", "", "/nowhere/raci.db", fakeStores{localErr: errors.New("no such directory")},
			"Cannot Open RACI Database", "database", `Opening the local database "/nowhere/raci.db" failed: no such directory.`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := configure(t, c.f.stores(), c.endpoint, "", c.database)
			if got := summaries(resp.Diagnostics); strings.Join(got, "|") != "Error: "+c.summary {
				t.Fatalf("diagnostics = %q, want the one error %q", got, c.summary)
			}
			d := resp.Diagnostics[0]
			if !strings.Contains(d.Detail(), c.text) {
				t.Errorf("detail %q does not say %q", d.Detail(), c.text)
			}
			if wp, ok := d.(diag.DiagnosticWithPath); !ok || wp.Path().String() != c.attr {
				t.Errorf("the error is not on the %q attribute", c.attr)
			}
			if resp.ResourceData != nil {
				t.Errorf("a failed configure handed resources %T", resp.ResourceData)
			}
		})
	}
}
