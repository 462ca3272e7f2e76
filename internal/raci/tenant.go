package raci

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// DeploymentModel says how a tenant's installation is run.
type DeploymentModel string

// The supported deployment models.
const (
	PrivateSaaS   DeploymentModel = "private_saas"
	DedicatedSaaS DeploymentModel = "dedicated_saas"
	SharedSaaS    DeploymentModel = "shared_saas"
	SelfManaged   DeploymentModel = "self_managed"
)

// DeploymentModels lists every supported deployment model.
var DeploymentModels = []DeploymentModel{PrivateSaaS, DedicatedSaaS, SharedSaaS, SelfManaged}

// Valid reports whether m is a supported deployment model.
func (m DeploymentModel) Valid() bool {
	for _, v := range DeploymentModels {
		if v == m {
			return true
		}
	}
	return false
}

// Limits on free text and collections, so that one object stays small enough to
// render in a plan and to store in one row.
const (
	MaxNameLength       = 200
	MaxTextLength       = 4000
	MaxEnvironments     = 32
	MaxLabels           = 64
	MaxLabelKeyLength   = 63
	MaxLabelValueLength = 255
	MaxContacts         = 32
	MaxContactLength    = 320
	MaxAssignments      = 32
	MaxHolderLength     = 200
	MaxConditionLength  = 500
	MaxURLLength        = 2000
	// MaxPosition bounds a row's place in its document.
	MaxPosition = 100000
)

// Tenant is one customer's installation: the matrix's owner. Name is its id.
type Tenant struct {
	Name            string            `json:"name"`
	DisplayName     string            `json:"display_name"`
	Customer        string            `json:"customer"`
	DeploymentModel DeploymentModel   `json:"deployment_model"`
	Environments    []string          `json:"environments"`
	Labels          map[string]string `json:"labels"`
	Scheme          Scheme            `json:"scheme"`
	Description     string            `json:"description"`
	// Source names the document the tenant's matrix comes from; nil when none is
	// named. A source with no field set is the same as none.
	Source *Source `json:"source,omitempty"`

	// Version counts writes, starting at 1; writes may require the version read.
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Source names the document a tenant's matrix comes from, e.g. the responsibilities
// matrix of a contract. Every field is optional.
type Source struct {
	Title    string `json:"title"`
	URL      string `json:"url"`
	Revision string `json:"revision"`
}

// IsZero reports whether the source names nothing.
func (s *Source) IsZero() bool { return s == nil || *s == Source{} }

// SourceURLProblem returns why u cannot be a source's url, or "" when it can: an
// absolute http or https URL with a host. The provider checks it at plan time.
func SourceURLProblem(u string) string {
	if u == "" {
		return ""
	}
	parsed, err := url.Parse(u)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" ||
		strings.ContainsAny(u, " \t\n") {
		return fmt.Sprintf("Source URL %q is not an absolute http or https URL: write it in full, e.g. "+
			"\"https://example.com/responsibilities.pdf\", or leave it out.", u)
	}
	return ""
}

// Normalize fills defaults and puts sets in a canonical order, so that equal tenants
// compare and serialize equal. Validate expects a normalized tenant.
func (t *Tenant) Normalize() {
	if t.Scheme == "" {
		t.Scheme = DefaultScheme
	}
	t.Environments = SortedSet(t.Environments)
	if t.Source.IsZero() {
		t.Source = nil
	}
	if t.Labels == nil {
		t.Labels = map[string]string{}
	}
}

// Validate checks the tenant's own fields and returns an EINVALID error that lists
// every problem, or nil.
func (t *Tenant) Validate() error {
	var ps problems
	ps.checkSlug("name", "Tenant name", t.Name)
	ps.checkText("display_name", "Display name", t.DisplayName, MaxNameLength)
	ps.checkText("customer", "Customer", t.Customer, MaxNameLength)
	ps.checkLines("description", "Description", t.Description, MaxTextLength)
	if t.Source != nil {
		ps.checkText("source.title", "Source title", t.Source.Title, MaxNameLength)
		ps.checkText("source.revision", "Source revision", t.Source.Revision, MaxNameLength)
		ps.checkText("source.url", "Source URL", t.Source.URL, MaxURLLength)
		if problem := SourceURLProblem(t.Source.URL); problem != "" {
			ps.add("source.url", "%s", problem)
		}
	}
	if !t.DeploymentModel.Valid() {
		if t.DeploymentModel == "" {
			ps.add("deployment_model", "Deployment model is required: use one of %s.", quotedList(DeploymentModels))
		} else {
			ps.add("deployment_model", "Deployment model %q is not supported: use one of %s.", t.DeploymentModel, quotedList(DeploymentModels))
		}
	}
	if !t.Scheme.Valid() {
		ps.add("scheme", "Scheme %q is not supported: use one of %s.", t.Scheme, quotedList(Schemes))
	}
	if len(t.Environments) > MaxEnvironments {
		ps.add("environments", "A tenant may have at most %d environments; it has %d.", MaxEnvironments, len(t.Environments))
	}
	for i, env := range t.Environments {
		ps.checkSlug(fieldIndex("environments", i), "Environment", env)
	}
	if len(t.Labels) > MaxLabels {
		ps.add("labels", "A tenant may have at most %d labels; it has %d.", MaxLabels, len(t.Labels))
	}
	for _, k := range sortedKeys(t.Labels) {
		field := "labels." + k
		if k == "" || len(k) > MaxLabelKeyLength {
			ps.add("labels", "Label key %q must be 1 to %d bytes long.", k, MaxLabelKeyLength)
		}
		if problem := TextProblem("Label key", k, false); problem != "" {
			ps.add("labels", "%s", problem)
		}
		ps.checkText(field, "Label value", t.Labels[k], MaxLabelValueLength)
	}
	return ps.err()
}

// SortedSet returns the distinct values of in, sorted; never nil, so that an empty
// set encodes as [] rather than null. It is the canonical form of the domain's sets
// (environments, contacts).
func SortedSet(in []string) []string {
	out := make([]string, 0, len(in))
	seen := make(map[string]bool, len(in))
	for _, v := range in {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func quotedList[T ~string](values []T) string {
	out := ""
	for i, v := range values {
		if i > 0 {
			out += ", "
		}
		out += `"` + string(v) + `"`
	}
	return out
}
