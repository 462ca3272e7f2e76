package format

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// OSCALVersion is the OSCAL release the documents of OSCAL conform to.
const OSCALVersion = "1.1.2"

// OSCALNamespace qualifies every property of ours in an OSCAL document (OSCAL's
// "ns"), so that tools reading the document do not take our names for OSCAL's own. A
// URN rather than a URL: it names the vocabulary and is never fetched.
const OSCALNamespace = "urn:raci-dev:raci:oscal"

// OSCAL returns the tenant's matrix as an OSCAL 1.1.2 component definition in
// JSON, indented by two spaces and ending in a newline:
//
//   - metadata.parties: one organization per party (uuid, name, short-name, kind,
//     contacts: e-mail addresses as email-addresses, others as "contact" props);
//   - metadata.roles: one role per letter of the scheme ("responsible",
//     "accountable", ...), each with a "letter" prop;
//   - components: one "process-procedure" component per row (title, description,
//     "key", "category", "accountability", "optional", "when" and "position" props,
//     and an "open-point" prop saying
//     what a shared or unassigned row leaves for the parties to settle; the notes as
//     remarks), whose responsible-roles give
//     each letter the parties holding it. An assignment's holder and condition are
//     "party", "holder" and "when" props of that responsible-role sharing a "group",
//     and the role's remarks spell the cells out as the Markdown does.
//
// Every uuid is a name-based (version 5) UUID of the installation the snapshot comes
// from (Snapshot.Installation), the tenant and the object's name, so a party or row
// keeps its uuid from one rendering to the next, and two installations that hold the
// same names give different uuids. The document's own uuid derives from the
// tenant's revision and the document's content: it changes when the document does,
// as OSCAL asks, and no two revisions share one, even when a deletion brings the
// rows back to what an earlier revision held. last-modified (and version) is the
// latest of the update times of the tenant, its parties and its rows and the time
// of the tenant's revision (Snapshot.RevisedAt), so a deletion moves it on too.
// A snapshot without an installation or a revision (one parsed from Markdown, say)
// gets uuids of the tenant and names alone, and a document uuid of its content.
func OSCAL(s *raci.Snapshot) string {
	if s == nil {
		return ""
	}
	tenant := ""
	title := ""
	if s.Tenant != nil {
		tenant = s.Tenant.Name
		title = s.Tenant.DisplayName
	}
	if strings.TrimSpace(title) == "" {
		title = tenant
	}
	scheme := snapshotScheme(s)
	modified := lastModified(s)

	md := oscalMetadata{
		Title:        oscalLine("Responsibility matrix of " + title),
		LastModified: modified,
		Version:      modified,
		OSCALVersion: OSCALVersion,
		Props:        tenantProps(s),
		Remarks:      tenantRemarks(s.Tenant),
	}
	if t := s.Tenant; t != nil && t.Source != nil {
		if src := t.Source; oscalLine(src.URL) != "" {
			md.Links = append(md.Links, oscalLink{Href: src.URL, Rel: "reference", Text: oscalLine(src.Title)})
		}
	}

	parties := matrixParties(s)
	partyUUID := map[string]string{}
	for _, p := range parties {
		partyUUID[p.Name] = oscalUUID(s.Installation, tenant, "party", p.Name)
		md.Parties = append(md.Parties, oscalPartyFrom(p, partyUUID[p.Name]))
	}

	rows := matrixRows(s)
	letters := usedLetters(scheme, rows)
	for _, l := range letters {
		md.Roles = append(md.Roles, oscalRole{
			ID:          roleID(l),
			Title:       l.Name(),
			Description: letterMeaning[l],
			Props:       []oscalProp{prop("letter", string(l), "")},
		})
	}

	def := oscalComponentDefinition{Metadata: md}
	for _, r := range rows {
		c := oscalComponentFrom(s.Installation, tenant, scheme, letters, r, partyUUID)
		if text := openPointText(r, parties); text != "" {
			c.Props = append(c.Props, prop("open-point", strings.ToUpper(text[:1])+text[1:], ""))
		}
		def.Components = append(def.Components, c)
	}

	// The document's uuid is the tenant's revision and a digest of everything else
	// in the document.
	content, err := json.Marshal(def)
	if err != nil {
		panic(fmt.Sprintf("format: encoding the OSCAL document: %v", err))
	}
	digest := sha1.Sum(content)
	name := hex.EncodeToString(digest[:])
	if s.Revision > 0 {
		name = fmt.Sprintf("revision/%d/%s", s.Revision, name)
	}
	def.UUID = oscalUUID(s.Installation, tenant, "document", name)

	out, err := json.MarshalIndent(oscalDocument{ComponentDefinition: def}, "", "  ")
	if err != nil {
		panic(fmt.Sprintf("format: encoding the OSCAL document: %v", err))
	}
	return string(out) + "\n"
}

// The OSCAL JSON objects the OSCAL function writes; empty lists are left out because OSCAL
// requires every list it has to hold at least one item.
type oscalDocument struct {
	ComponentDefinition oscalComponentDefinition `json:"component-definition"`
}

type oscalComponentDefinition struct {
	UUID       string           `json:"uuid"`
	Metadata   oscalMetadata    `json:"metadata"`
	Components []oscalComponent `json:"components,omitempty"`
}

type oscalMetadata struct {
	Title        string       `json:"title"`
	LastModified string       `json:"last-modified"`
	Version      string       `json:"version"`
	OSCALVersion string       `json:"oscal-version"`
	Props        []oscalProp  `json:"props,omitempty"`
	Links        []oscalLink  `json:"links,omitempty"`
	Roles        []oscalRole  `json:"roles,omitempty"`
	Parties      []oscalParty `json:"parties,omitempty"`
	Remarks      string       `json:"remarks,omitempty"`
}

type oscalLink struct {
	Href string `json:"href"`
	Rel  string `json:"rel,omitempty"`
	Text string `json:"text,omitempty"`
}

// tenantRemarks is the tenant's description, then a line naming the document its
// matrix comes from.
func tenantRemarks(t *raci.Tenant) string {
	if t == nil {
		return ""
	}
	var parts []string
	if d := strings.TrimSpace(t.Description); d != "" {
		parts = append(parts, d)
	}
	if line := sourceLine(t.Source); line != "" {
		parts = append(parts, line)
	}
	return strings.Join(parts, "\n\n")
}

type oscalRole struct {
	ID          string      `json:"id"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Props       []oscalProp `json:"props,omitempty"`
}

type oscalParty struct {
	UUID           string      `json:"uuid"`
	Type           string      `json:"type"`
	Name           string      `json:"name"`
	ShortName      string      `json:"short-name"`
	Props          []oscalProp `json:"props,omitempty"`
	EmailAddresses []string    `json:"email-addresses,omitempty"`
}

type oscalComponent struct {
	UUID             string                 `json:"uuid"`
	Type             string                 `json:"type"`
	Title            string                 `json:"title"`
	Description      string                 `json:"description"`
	Props            []oscalProp            `json:"props,omitempty"`
	ResponsibleRoles []oscalResponsibleRole `json:"responsible-roles,omitempty"`
	Remarks          string                 `json:"remarks,omitempty"`
}

type oscalResponsibleRole struct {
	RoleID     string      `json:"role-id"`
	Props      []oscalProp `json:"props,omitempty"`
	PartyUUIDs []string    `json:"party-uuids,omitempty"`
	Remarks    string      `json:"remarks,omitempty"`
}

type oscalProp struct {
	Name  string `json:"name"`
	NS    string `json:"ns"`
	Value string `json:"value"`
	Group string `json:"group,omitempty"`
}

// prop returns one of our properties. OSCAL's string type has no leading or trailing
// space and no line break, so the value's whitespace is collapsed.
func prop(name, value, group string) oscalProp {
	return oscalProp{Name: name, NS: OSCALNamespace, Value: oscalLine(value), Group: group}
}

// oscalLine makes text fit OSCAL's single-line types: runs of whitespace, line
// breaks included, become one space, and none is left at either end.
func oscalLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// letterMeaning describes each letter as seed 003's legend does.
var letterMeaning = map[raci.Role]string{
	raci.Responsible: "The party responsible for implementing the task as required.",
	raci.Accountable: "The party accountable for the task being completed as required.",
	raci.Supportive:  "A party that supports the Responsible party in doing the work.",
	raci.Consulted:   "A party whose opinion is requested, with two-way communication.",
	raci.Informed:    "A party kept up to date on progress, with one-way communication.",
	raci.Driver:      "The party that drives the task and does the work.",
}

// roleID is the OSCAL role id of a letter: its name in lower case ("responsible").
func roleID(l raci.Role) string { return strings.ToLower(l.Name()) }

// usedLetters returns the scheme's letters, then any other letter a row uses (only
// possible in a snapshot no store checked), in the order the Markdown writes them.
func usedLetters(scheme raci.Scheme, rows []*raci.Responsibility) []raci.Role {
	letters := append([]raci.Role(nil), scheme.Letters()...)
	for _, r := range rows {
		for _, a := range r.Assignments {
			letters = append(letters, a.Roles...)
		}
	}
	return schemeOrder(scheme, letters)
}

func tenantProps(s *raci.Snapshot) []oscalProp {
	t := s.Tenant
	if t == nil {
		return nil
	}
	var props []oscalProp
	add := func(name, value string) {
		if oscalLine(value) != "" {
			props = append(props, prop(name, value, ""))
		}
	}
	add("tenant", t.Name)
	add("customer", t.Customer)
	add("deployment-model", string(t.DeploymentModel))
	add("scheme", string(t.Scheme))
	if src := t.Source; src != nil {
		add("source-title", src.Title)
		add("source-revision", src.Revision)
	}
	for _, env := range raci.SortedSet(t.Environments) {
		add("environment", env)
	}
	return props
}

func oscalPartyFrom(p *raci.Party, uuid string) oscalParty {
	party := oscalParty{
		UUID: uuid,
		// OSCAL knows persons and organizations; vendors, customers and third
		// parties are all organizations.
		Type:      "organization",
		Name:      oscalLine(partyColumn(p)),
		ShortName: p.Name,
	}
	if p.Kind != "" {
		party.Props = append(party.Props, prop("kind", string(p.Kind), ""))
	}
	for _, c := range raci.SortedSet(p.Contacts) {
		if isEmailAddress(c) {
			party.EmailAddresses = append(party.EmailAddresses, c)
		} else if oscalLine(c) != "" {
			party.Props = append(party.Props, prop("contact", c, ""))
		}
	}
	return party
}

// isEmailAddress reports whether a contact is a bare e-mail address, as OSCAL's
// email-addresses hold, rather than a channel such as "#ops-acme".
func isEmailAddress(c string) bool {
	a, err := mail.ParseAddress(c)
	return err == nil && a.Name == "" && a.Address == c
}

func oscalComponentFrom(installation, tenant string, scheme raci.Scheme, letters []raci.Role, r *raci.Responsibility, partyUUID map[string]string) oscalComponent {
	c := oscalComponent{
		UUID:        oscalUUID(installation, tenant, "responsibility", r.Key),
		Type:        "process-procedure",
		Title:       oscalLine(rowTitle(r)),
		Description: strings.TrimSpace(r.Description),
		Props:       []oscalProp{prop("key", r.Key, "")},
		Remarks:     strings.TrimSpace(r.Notes),
	}
	if c.Description == "" {
		// OSCAL requires a description; the title is the best one a row without one has.
		c.Description = c.Title
	}
	if oscalLine(r.Category) != "" {
		c.Props = append(c.Props, prop("category", r.Category, ""))
	}
	c.Props = append(c.Props, prop("accountability", string(rowAccountability(r)), ""))
	if r.Optional {
		c.Props = append(c.Props, prop("optional", "true", ""))
	}
	if oscalLine(r.When) != "" {
		c.Props = append(c.Props, prop("when", r.When, ""))
	}
	if r.Position > 0 {
		c.Props = append(c.Props, prop("position", fmt.Sprint(r.Position), ""))
	}

	// Assignments of parties the snapshot does not list are left out, as in the
	// Markdown: a responsible-role may only name parties the document defines.
	assignments := []raci.Assignment{}
	for _, a := range sortedAssignments(r.Assignments) {
		if _, ok := partyUUID[a.Party]; ok {
			assignments = append(assignments, a)
		}
	}
	for _, l := range letters {
		role := oscalResponsibleRole{RoleID: roleID(l)}
		seen := map[string]bool{}
		var cells []string
		for i, a := range assignments {
			if !a.Has(l) {
				continue
			}
			if !seen[a.Party] {
				seen[a.Party] = true
				role.PartyUUIDs = append(role.PartyUUIDs, partyUUID[a.Party])
			}
			cell := a.Party
			if a.Holder != "" || a.When != "" {
				// The group ties an assignment's props together; its index is stable
				// because the assignments are sorted.
				group := fmt.Sprintf("assignment-%d", i+1)
				role.Props = append(role.Props, prop("party", a.Party, group))
				if oscalLine(a.Holder) != "" {
					role.Props = append(role.Props, prop("holder", a.Holder, group))
					cell += " (" + oscalLine(a.Holder) + ")"
				}
				if oscalLine(a.When) != "" {
					role.Props = append(role.Props, prop("when", a.When, group))
					cell += " (" + oscalLine(a.When) + ")"
				}
			}
			cells = append(cells, cell)
		}
		if len(role.PartyUUIDs) == 0 {
			continue
		}
		role.Remarks = l.Name() + ": " + strings.Join(cells, ", ") + "."
		c.ResponsibleRoles = append(c.ResponsibleRoles, role)
	}
	return c
}

// lastModified is the latest update time in the snapshot, the time of its revision
// included, in UTC as RFC 3339. A snapshot without times (built by hand) gets the
// Unix epoch, since OSCAL requires a date and time with a time zone and years from
// 1900 on.
func lastModified(s *raci.Snapshot) string {
	var latest time.Time
	consider := func(t time.Time) {
		if t.After(latest) {
			latest = t
		}
	}
	if s.Tenant != nil {
		consider(s.Tenant.UpdatedAt)
	}
	if s.RevisedAt != nil {
		// A deletion leaves no update time behind; its event's time is here.
		consider(*s.RevisedAt)
	}
	for _, p := range s.Parties {
		if p != nil {
			consider(p.UpdatedAt)
		}
	}
	for _, r := range s.Responsibilities {
		if r != nil {
			consider(r.UpdatedAt)
		}
	}
	if latest.IsZero() {
		latest = time.Unix(0, 0)
	}
	return latest.UTC().Format(time.RFC3339Nano)
}

// oscalUUIDSpace is the name space of every uuid in an OSCAL document: the version 5
// UUID of OSCALNamespace in RFC 9562's URL name space.
var oscalUUIDSpace = uuidV5(uuidSpaceURL, OSCALNamespace)

// uuidSpaceURL is RFC 9562's name space for URLs (6ba7b811-9dad-11d1-80b4-00c04fd430c8).
var uuidSpaceURL = [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// oscalUUID names one object of one tenant of one installation: kind ("party",
// "responsibility") and name keep a party and a row with the same name apart, and
// the installation id, when there is one, two installations' tenants of the same
// name.
func oscalUUID(installation, tenant, kind, name string) string {
	n := tenant + "/" + kind + "/" + name
	if installation != "" {
		n = "installation/" + installation + "/" + n
	}
	return formatUUID(uuidV5(oscalUUIDSpace, n))
}

// uuidV5 returns the name-based (version 5, SHA-1) UUID of name in the name space
// space, as RFC 9562 defines it.
func uuidV5(space [16]byte, name string) [16]byte {
	h := sha1.New()
	h.Write(space[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return u
}

// formatUUID writes a UUID in its canonical 8-4-4-4-12 hexadecimal form.
func formatUUID(u [16]byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
