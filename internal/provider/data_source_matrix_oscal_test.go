package provider

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// oscalSeen is what a test keeps of one rendering of raci_matrix's oscal.
type oscalSeen struct {
	lastModified, uuid string
	parties            []string // the uuids of metadata.parties, in order
}

// readOSCAL returns a Check that reads the data source's oscal into seen.
func readOSCAL(addr string, seen *oscalSeen) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in the state", addr)
		}
		var doc struct {
			Def struct {
				UUID     string `json:"uuid"`
				Metadata struct {
					LastModified string `json:"last-modified"`
					Parties      []struct {
						UUID string `json:"uuid"`
					} `json:"parties"`
				} `json:"metadata"`
			} `json:"component-definition"`
		}
		if err := json.Unmarshal([]byte(rs.Primary.Attributes["oscal"]), &doc); err != nil {
			return fmt.Errorf("oscal: %w", err)
		}
		seen.lastModified, seen.uuid = doc.Def.Metadata.LastModified, doc.Def.UUID
		seen.parties = nil
		for _, p := range doc.Def.Metadata.Parties {
			seen.parties = append(seen.parties, p.UUID)
		}
		return nil
	}
}

// Through the server: deleting a row moves the OSCAL document's last-modified on
// and gives it a new uuid, and two servers holding the same configuration give
// its parties different uuids.
func TestAccMatrixDataSource_oscalRevisionsAndInstallations(t *testing.T) {
	const addr = "data.raci_matrix.test"
	var mu sync.Mutex
	before, after := map[string]oscalSeen{}, map[string]oscalSeen{}
	remaining := strings.NewReplacer(", raci_responsibility.backing_up", "").Replace(allRows)
	withoutBackingUp := func(srv *testServer) string {
		i := strings.Index(matrixRows, `resource "raci_responsibility" "backing_up"`)
		return srv.providerBlock() + testTenant + parties + matrixRows[:i] + `
data "raci_matrix" "test" {
  tenant     = raci_tenant.initech.name
  depends_on = ` + remaining + `
}
`
	}
	t.Run("servers", func(t *testing.T) {
		for _, name := range []string{"a", "b"} {
			t.Run(name, func(t *testing.T) {
				srv := startServer(t)
				var first, deleted oscalSeen
				resource.ParallelTest(t, resource.TestCase{
					ProtoV6ProviderFactories: protoV6ProviderFactories,
					Steps: []resource.TestStep{
						{
							Config: matrixConfig(srv, `
data "raci_matrix" "test" {
  tenant     = raci_tenant.initech.name
  depends_on = `+allRows+`
}
`),
							Check: readOSCAL(addr, &first),
						},
						// The row goes; the next plan reads the matrix without it.
						{Config: withoutBackingUp(srv)},
						{Config: withoutBackingUp(srv), Check: readOSCAL(addr, &deleted)},
					},
				})
				mu.Lock()
				before[name], after[name] = first, deleted
				mu.Unlock()
			})
		}
	})
	if t.Failed() {
		return
	}
	for _, name := range []string{"a", "b"} {
		first, deleted := before[name], after[name]
		if deleted.lastModified <= first.lastModified {
			t.Errorf("server %s: last-modified %s after the row's deletion, want later than %s before it", name, deleted.lastModified, first.lastModified)
		}
		if deleted.uuid == first.uuid {
			t.Errorf("server %s: the document uuid %s did not change with the deletion", name, first.uuid)
		}
		if strings.Join(deleted.parties, ",") != strings.Join(first.parties, ",") {
			t.Errorf("server %s: party uuids %q became %q with the deletion of a row", name, first.parties, deleted.parties)
		}
	}
	if len(before["a"].parties) != 3 {
		t.Fatalf("server a's document has %d parties, want 3", len(before["a"].parties))
	}
	for i, u := range before["a"].parties {
		if u == before["b"].parties[i] {
			t.Errorf("party %d has uuid %s on both servers", i, u)
		}
	}
}
