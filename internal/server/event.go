package server

import (
	"net/http"
	"strconv"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// maxObjectFilter bounds ?object=: an object name is a kind, a slash and a slug.
const maxObjectFilter = 100

// listEvents answers a page of the tenant's event log: the events since the tenant
// that has the name now was created, 404 when none has. next is the sequence
// number to pass as after for the following page; newest-first pages have none,
// since they are for finding the latest change, not for reading the whole log.
func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) error {
	return s.writeEvents(w, r, false)
}

// listDeletedEvents answers a page of the events of the deleted tenants of the
// name, for administrators: each deleted tenant's history ends with its delete.
func (s *Server) listDeletedEvents(w http.ResponseWriter, r *http.Request) error {
	return s.writeEvents(w, r, true)
}

func (s *Server) writeEvents(w http.ResponseWriter, r *http.Request, deleted bool) error {
	f, err := eventFilter(r)
	if err != nil {
		return err
	}
	f.Deleted = deleted
	events, err := s.svc.ListEvents(r.Context(), r.PathValue("tenant"), f)
	if err != nil {
		return err
	}
	page := raci.Page[*raci.Event]{Items: events}
	if page.Items == nil {
		page.Items = []*raci.Event{}
	}
	limit := raci.ListOptions{Limit: f.Limit}.PageLimit()
	if !f.Newest && len(events) == limit {
		page.Next = strconv.FormatInt(events[len(events)-1].Seq, 10)
	}
	s.writeJSON(w, r, http.StatusOK, page)
	return nil
}

// eventFilter reads ?after=, ?limit=, ?object= and ?newest= from an events request.
func eventFilter(r *http.Request) (raci.EventFilter, error) {
	q := r.URL.Query()
	var f raci.EventFilter
	var ps []raci.Problem
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			ps = append(ps, raci.Problem{Field: "after", Detail: "The query parameter after must be a sequence number, 0 or more: the previous page's next, not " + strconv.Quote(v) + "."})
		}
		f.After = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > raci.MaxPageSize {
			ps = append(ps, raci.Problem{Field: "limit", Detail: "The query parameter limit must be a whole number from 1 to " + strconv.Itoa(raci.MaxPageSize) + ", not " + strconv.Quote(v) + "."})
		}
		f.Limit = n
	}
	if v := q.Get("object"); len(v) > maxObjectFilter {
		ps = append(ps, raci.Problem{Field: "object", Detail: "The query parameter object names one object, such as \"party/auth0\", in at most " + strconv.Itoa(maxObjectFilter) + " characters."})
	} else {
		f.Object = v
	}
	if v := q.Get("newest"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			ps = append(ps, raci.Problem{Field: "newest", Detail: "The query parameter newest must be true or false, not " + strconv.Quote(v) + "."})
		}
		f.Newest = b
	}
	if len(ps) > 0 {
		return f, raci.Invalid(ps...)
	}
	return f, nil
}
