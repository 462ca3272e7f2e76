package cli

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Unclean paths to the API reach the API, which answers them with problem details;
// the probe found "//v1/tenants" answered by the web pages' HTML 404.
func TestAPIOrWebSplitsOnTheCleanPath(t *testing.T) {
	side := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Header().Set("X-Side", name) })
	}
	h := &apiOrWeb{api: side("api"), web: side("web")}
	for path, want := range map[string]string{
		"/v1/tenants":           "api",
		"//v1/tenants":          "api",
		"/v1//tenants":          "api",
		"/./v1/tenants":         "api",
		"/web/../v1/tenants":    "api",
		"/v1":                   "api",
		"/v1/../healthz":        "api",
		"/healthz/":             "web",
		"/healthz":              "api",
		"/metrics":              "api",
		"/":                     "web",
		"/tenants/acme":         "web",
		"//tenants/acme":        "web",
		"/v1x/tenants":          "web",
		"/signin/oidc/callback": "web",
	} {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "http://raci.example/", nil)
		r.URL.Path = path
		h.ServeHTTP(rec, r)
		if got := rec.Header().Get("X-Side"); got != want {
			t.Errorf("%s went to %s, want %s", path, got, want)
		}
	}
}
