package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// recentEvents is how many events a tenant page lists.
const recentEvents = 20

// maxFormBytes bounds a form body: an item's fields are small.
const maxFormBytes = 64 << 10

// page is what every template gets: the layout's fields and the page's own data.
type page struct {
	Title string
	// User is the signed-in token's name, "" on the sign-in page.
	User  string
	CSRF  string
	Flash string
	Data  any
	// Person is set when the user signed in with the identity provider.
	Person bool
	// Via says why the user may act on the page's tenant: "checklist via group
	// initech-infra (access infra)".
	Via string
	// OIDC names the identity provider on the sign-in page, "" without one.
	OIDC string
}

var funcs = template.FuncMap{
	"inc":  func(n int) int { return n + 1 },
	"join": strings.Join,
	"time": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"iso":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"date": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format("2006-01-02")
	},
}

// parsePages parses each page with the layout around it.
func parsePages() map[string]*template.Template {
	pages := map[string]*template.Template{}
	for _, name := range []string{"signin", "signedin", "tenants", "tenant", "error"} {
		pages[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html"))
	}
	return pages
}

// render writes a page; it renders into a buffer first so that a template error
// becomes a clean 500 rather than half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		h.logger.LogAttrs(r.Context(), slog.LevelError, "render page", slog.String("page", name), slog.Any("error", err))
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

func (h *Handler) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p := page{Title: http.StatusText(status), Data: msg}
	if sess := h.currentSession(r); sess != nil {
		p.User, p.CSRF = sess.token.Name, sess.csrf
	}
	h.render(w, r, status, "error", p)
}

// signinForm shows the sign-in form with a fresh pre-session CSRF token.
func (h *Handler) signinForm(w http.ResponseWriter, r *http.Request) {
	h.showSignin(w, r, http.StatusOK, "")
}

func (h *Handler) showSignin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	csrf := randomToken()
	h.setCookie(w, r, signinCSRFCookie, csrf, 3600)
	p := page{Title: "Sign in", CSRF: csrf, Data: msg}
	if h.oidc != nil {
		p.OIDC = h.oidc.Issuer()
	}
	h.render(w, r, status, "signin", p)
}

// readForm reads the posted form, at most maxFormBytes of it. A larger form is
// answered 413, one that does not parse 400, and then it reports false; a form cut
// short would otherwise lose its CSRF field and read as a forged one.
func (h *Handler) readForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	err := r.ParseForm()
	if err == nil {
		return true
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		h.errorPage(w, r, http.StatusRequestEntityTooLarge,
			fmt.Sprintf("The form is larger than %d KiB: shorten what you typed and send it again.", maxFormBytes>>10))
		return false
	}
	h.errorPage(w, r, http.StatusBadRequest, "The form could not be read. Reload the page and try again.")
	return false
}

// signin checks the token and starts a session. The token's secret goes no further
// than this request.
func (h *Handler) signin(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r) {
		return
	}
	// A client that failed too often is refused before its token is looked at.
	client := clientKey(r, h.trusted)
	if wait := h.limiter.blocked(client); wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		h.errorPage(w, r, http.StatusTooManyRequests, fmt.Sprintf(
			"Too many failed sign-ins from your address: wait %d seconds, then try again with a valid token.", secs))
		return
	}
	c, err := r.Cookie(signinCSRFCookie)
	if err != nil || !validCSRF(r, c.Value) {
		h.errorPage(w, r, http.StatusForbidden, "The sign-in form expired or did not come from this site. Open the sign-in page again.")
		return
	}
	tok, err := h.authenticate(r.Context(), strings.TrimSpace(r.PostFormValue("token")))
	if err != nil {
		if raci.ErrorCode(err) == raci.EUNAUTHORIZED {
			h.limiter.fail(client)
			h.showSignin(w, r, http.StatusUnauthorized, raci.ErrorMessage(err))
			return
		}
		h.internalError(w, r, err)
		return
	}
	if h.sessions == nil {
		h.internalError(w, r, errors.New("the store keeps no web sessions"))
		return
	}
	// A browser that signs in again ends the session it held.
	var replaces string
	if c, err := r.Cookie(sessionCookie); err == nil {
		replaces = c.Value
	}
	_, secret, err := h.sessions.CreateSession(r.Context(), tok, h.sessionTTL, replaces)
	if err != nil {
		if raci.ErrorCode(err) == raci.EUNAUTHORIZED {
			// The token was revoked since it was checked.
			h.showSignin(w, r, http.StatusUnauthorized, tokenInvalid)
			return
		}
		h.internalError(w, r, fmt.Errorf("create session: %w", err))
		return
	}
	noteActor(r, tok.Name)
	h.setCookie(w, r, signinCSRFCookie, "", -1)
	h.setCookie(w, r, sessionCookie, secret, int(h.sessionTTL.Seconds()))
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (h *Handler) signout(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r) {
		return
	}
	sess := h.currentSession(r)
	if sess == nil {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	if !validCSRF(r, sess.csrf) {
		h.errorPage(w, r, http.StatusForbidden, "The form expired or did not come from this site. Reload the page and try again.")
		return
	}
	// Ended in the store, the session ends on every server at once.
	if err := h.sessions.EndSession(r.Context(), sess.secret); err != nil {
		h.internalError(w, r, fmt.Errorf("end session: %w", err))
		return
	}
	h.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

// tenantsView lists the tenants a session may read.
type tenantsView struct {
	Tenants []*raci.Tenant
}

func (h *Handler) tenants(w http.ResponseWriter, r *http.Request) {
	sess := h.requireSession(w, r)
	if sess == nil {
		return
	}
	var visible []*raci.Tenant
	opts := raci.ListOptions{Limit: raci.MaxPageSize}
	for {
		pg, err := h.svc.ListTenants(r.Context(), opts)
		if err != nil {
			h.internalError(w, r, fmt.Errorf("list tenants: %w", err))
			return
		}
		for _, t := range pg.Items {
			if sess.token.Can(t.Name, raci.AccessRead) {
				visible = append(visible, t)
			}
		}
		if pg.Next == "" {
			break
		}
		opts.After = pg.Next
	}
	h.render(w, r, http.StatusOK, "tenants", h.page(r.Context(), sess, "Tenants", tenantsView{Tenants: visible}))
}

func (h *Handler) page(ctx context.Context, sess *session, title string, data any) page {
	return page{Title: title, User: sess.token.Name, CSRF: sess.csrf, Flash: h.takeFlash(ctx, sess), Data: data, Person: sess.person != nil}
}

// tenantView is a tenant's page.
type tenantView struct {
	Tenant  *raci.Tenant
	Parties []partyView
	Groups  []rowGroup
	// OpenPoints are the rows whose accountability is shared or unassigned, in the
	// matrix's order: points the document leaves for the parties to settle.
	OpenPoints []openPointView
	// Source names the document the matrix comes from, a link when its URL may be
	// one; nil when the tenant names none.
	Source     *noteSegment
	Checklists []checklistView
	Events     []eventView
	// Webhooks are the tenant's, each with its recent deliveries; nil for a store
	// without webhooks.
	Webhooks []webhookView
	CanEdit  bool
	CanWaive bool
	Statuses []raci.ItemStatus
}

type partyView struct {
	Name, Display string
}

// webhookView is a webhook, without its secret, and its newest deliveries.
type webhookView struct {
	*raci.Webhook
	Deliveries []*raci.Delivery
}

// recentDeliveries is how many deliveries of each webhook the tenant page lists.
const recentDeliveries = 10

// rowGroup is the rows of one category.
type rowGroup struct {
	Category string
	Rows     []rowView
}

type rowView struct {
	Key, Title, Description string
	// Optional and When say whether the duty is optional and under which condition
	// it exists at all.
	Optional bool
	When     string
	// OpenPoint says what the row leaves for the parties to settle: who answers for
	// it, when its accountability is shared or unassigned; "" otherwise.
	OpenPoint string
	Notes     []noteSegment
	// Cells holds one cell per party, in the order of tenantView.Parties.
	Cells [][]cellPart
}

// openPointView is one row that leaves a point open, for the list under the matrix.
type openPointView struct {
	Key, Title, Text string
}

// cellPart is one assignment inside a cell: its letters, and who and when.
type cellPart struct {
	Letters      []letterView
	Holder, When string
}

type letterView struct {
	Letter, Name string
	Accountable  bool
}

type checklistView struct {
	Checklist *raci.Checklist
	Readiness *raci.Readiness
	Blockers  []blockerView
	Items     []itemView
}

type blockerView struct {
	raci.Blocker
	OwnerName string
}

type itemView struct {
	raci.ChecklistItem
	OwnerName string
	// Form holds what the form shows: the stored values, or what was submitted
	// when the submission failed.
	Form itemForm
	// Errors maps a form field to what is wrong with it; Error is a message that
	// names no field.
	Errors map[string]string
	Error  string
}

// itemForm is the fields of an item's form.
type itemForm struct {
	Status, Evidence                              string
	WaiverReason, WaiverApprovedBy, WaiverExpires string
}

type eventView struct {
	Seq    int64
	At     time.Time
	Actor  string
	Action string
	Object string
	// Was is a renamed party's old object name ("party/osirium"), shown beside the
	// new one.
	Was string
}

// failedForm is a submission to show again with its errors.
type failedForm struct {
	checklist, item string
	form            itemForm
	errors          map[string]string
	message         string
}

func (h *Handler) tenant(w http.ResponseWriter, r *http.Request) {
	sess := h.requireSession(w, r)
	if sess == nil {
		return
	}
	h.showTenant(w, r, sess, http.StatusOK, nil)
}

func (h *Handler) showTenant(w http.ResponseWriter, r *http.Request, sess *session, status int, failed *failedForm) {
	name := r.PathValue("tenant")
	if !sess.token.Can(name, raci.AccessRead) {
		h.notFound(w, r)
		return
	}
	view, err := h.tenantView(r.Context(), sess.token, name, failed)
	if err != nil {
		h.storeError(w, r, err)
		return
	}
	title := view.Tenant.DisplayName
	if title == "" {
		title = view.Tenant.Name
	}
	p := h.page(r.Context(), sess, title, view)
	p.Via = sess.via(name)
	h.render(w, r, status, "tenant", p)
}

func (h *Handler) tenantView(ctx context.Context, tok *raci.Token, name string, failed *failedForm) (*tenantView, error) {
	snap, err := raci.ReadSnapshot(ctx, h.svc, name)
	if err != nil {
		return nil, err
	}
	events, err := h.svc.ListEvents(ctx, name, raci.EventFilter{Newest: true, Limit: recentEvents})
	if err != nil {
		return nil, fmt.Errorf("list events of %s: %w", name, err)
	}
	v := &tenantView{
		Tenant:   snap.Tenant,
		CanEdit:  tok.Can(name, raci.AccessChecklist),
		CanWaive: tok.Can(name, raci.AccessWrite),
	}
	v.Source = sourceView(snap.Tenant.Source)
	// Waived and not applicable let a gate open without the work: write only.
	for _, s := range raci.ItemStatuses {
		if (s != raci.Waived && s != raci.NotApplicable) || v.CanWaive {
			v.Statuses = append(v.Statuses, s)
		}
	}

	parties := append([]*raci.Party(nil), snap.Parties...)
	sort.SliceStable(parties, func(i, j int) bool { return parties[i].Name < parties[j].Name })
	display := map[string]string{}
	for _, p := range parties {
		d := strings.TrimSpace(p.DisplayName)
		if d == "" {
			d = p.Name
		}
		display[p.Name] = d
		v.Parties = append(v.Parties, partyView{Name: p.Name, Display: d})
	}
	partyName := func(n string) string {
		if d, ok := display[n]; ok {
			return d
		}
		return n
	}

	scheme := snap.Tenant.Scheme
	for _, row := range raci.SortRows(snap.Responsibilities) {
		if len(v.Groups) == 0 || v.Groups[len(v.Groups)-1].Category != row.Category {
			v.Groups = append(v.Groups, rowGroup{Category: row.Category})
		}
		title := row.Title
		if strings.TrimSpace(title) == "" {
			title = row.Key
		}
		rv := rowView{Key: row.Key, Title: title, Description: row.Description, Notes: noteSegments(row.Notes),
			Optional: row.Optional, When: row.When, OpenPoint: openPoint(row, parties, partyName)}
		if rv.OpenPoint != "" {
			v.OpenPoints = append(v.OpenPoints, openPointView{Key: row.Key, Title: title, Text: rv.OpenPoint})
		}
		for _, p := range parties {
			rv.Cells = append(rv.Cells, cellParts(scheme, row.Assignments, p.Name))
		}
		g := &v.Groups[len(v.Groups)-1]
		g.Rows = append(g.Rows, rv)
	}

	now := h.now()
	for _, c := range snap.Checklists {
		cv := checklistView{Checklist: c, Readiness: c.Readiness(now)}
		for _, b := range cv.Readiness.Blocking {
			cv.Blockers = append(cv.Blockers, blockerView{Blocker: b, OwnerName: partyName(b.Owner)})
		}
		for _, it := range c.Items {
			iv := itemView{ChecklistItem: it, OwnerName: partyName(it.Owner), Form: formOf(it)}
			if failed != nil && failed.checklist == c.Key && failed.item == it.Key {
				iv.Form, iv.Errors, iv.Error = failed.form, failed.errors, failed.message
			}
			cv.Items = append(cv.Items, iv)
		}
		v.Checklists = append(v.Checklists, cv)
	}

	for _, e := range events {
		ev := eventView{Seq: e.Seq, At: e.At, Actor: e.Actor, Action: e.Action, Object: e.Object}
		if e.Action == raci.ActionRename {
			var was struct {
				Name string `json:"name"`
			}
			if json.Unmarshal(e.Before, &was) == nil && was.Name != "" {
				ev.Was = raci.PartyObject(was.Name)
			}
		}
		v.Events = append(v.Events, ev)
	}

	if ws, ok := h.svc.(raci.WebhookService); ok {
		hooks, err := ws.ListWebhooks(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("list webhooks of %s: %w", name, err)
		}
		for _, hook := range hooks {
			ds, err := ws.ListDeliveries(ctx, name, hook.Name, recentDeliveries)
			if err != nil {
				return nil, fmt.Errorf("list deliveries of webhook %s/%s: %w", name, hook.Name, err)
			}
			v.Webhooks = append(v.Webhooks, webhookView{Webhook: hook.Redacted(), Deliveries: ds})
		}
	}
	return v, nil
}

// sourceView names a tenant's source document for the page header: its title and
// revision, linked to its URL when that is an http(s) URL; nil for no source.
func sourceView(src *raci.Source) *noteSegment {
	if src.IsZero() {
		return nil
	}
	var parts []string
	for _, p := range []string{strings.TrimSpace(src.Title), strings.TrimSpace(src.Revision)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	text := strings.Join(parts, ", ")
	href := strings.TrimSpace(src.URL)
	if !linkable(href, false) {
		if text == "" {
			text = href
		} else if href != "" {
			text += " (" + href + ")"
		}
		href = ""
	} else if text == "" {
		text = href
	}
	return &noteSegment{Text: text, Href: href}
}

// openPoint says what a shared or unassigned row leaves for the parties to settle,
// naming the shared row's Accountable parties by display name; "" for any other row.
func openPoint(row *raci.Responsibility, parties []*raci.Party, partyName func(string) string) string {
	switch row.Accountability {
	case raci.AccountabilityShared:
		var names []string
		for _, p := range parties {
			for _, a := range row.Assignments {
				if a.Party == p.Name && a.When == "" && a.Has(raci.Accountable) {
					names = append(names, partyName(p.Name))
					break
				}
			}
		}
		return "Accountable together: " + strings.Join(names, ", ") + ". Who answers for what is for the parties to settle."
	case raci.AccountabilityUnassigned:
		return "No party is Accountable. Who answers is for the parties to settle."
	}
	return ""
}

// formOf returns the form fields showing what is stored for the item.
func formOf(it raci.ChecklistItem) itemForm {
	f := itemForm{Status: string(it.Status), Evidence: it.Evidence}
	if w := it.Waiver; w != nil {
		f.WaiverReason, f.WaiverApprovedBy = w.Reason, w.ApprovedBy
		if !w.Expires.IsZero() {
			f.WaiverExpires = w.Expires.UTC().Format("2006-01-02")
		}
	}
	return f
}

// cellParts returns what one party holds in one row: its unconditional assignment
// first, then the conditional ones by condition, each with its letters in the
// order the scheme spells them.
func cellParts(scheme raci.Scheme, assignments []raci.Assignment, party string) []cellPart {
	var mine []raci.Assignment
	for _, a := range assignments {
		if a.Party == party {
			mine = append(mine, a)
		}
	}
	sort.SliceStable(mine, func(i, j int) bool {
		if (mine[i].When == "") != (mine[j].When == "") {
			return mine[i].When == ""
		}
		if mine[i].When != mine[j].When {
			return mine[i].When < mine[j].When
		}
		return mine[i].Holder < mine[j].Holder
	})
	rank := map[raci.Role]int{}
	for i, l := range scheme.Letters() {
		rank[l] = i + 1
	}
	var parts []cellPart
	for _, a := range mine {
		roles := raci.SortRoles(a.Roles)
		sort.SliceStable(roles, func(i, j int) bool {
			ri, rj := rank[roles[i]], rank[roles[j]]
			if ri == 0 {
				ri = len(rank) + 1
			}
			if rj == 0 {
				rj = len(rank) + 1
			}
			return ri < rj
		})
		part := cellPart{Holder: a.Holder, When: a.When}
		for _, l := range roles {
			part.Letters = append(part.Letters, letterView{Letter: string(l), Name: l.Name(), Accountable: l == raci.Accountable})
		}
		parts = append(parts, part)
	}
	return parts
}
