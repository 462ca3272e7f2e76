package server

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// pathParams returns the names of the wildcards of a route's path, in order:
// "/v1/tenants/{tenant}/parties/{party}" → tenant, party.
func pathParams(pattern string) []string {
	var names []string
	for _, seg := range strings.Split(pattern, "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			names = append(names, strings.TrimSuffix(strings.TrimSuffix(name, "}"), "..."))
		}
	}
	return names
}

// checkRequestText refuses a request whose names in the path (the route's
// wildcards, params) or query parameters, keys or values, are not UTF-8 or hold a
// control character. No name the API knows can hold one, and a store may fail on them
// (PostgreSQL refuses NUL and invalid UTF-8 in text), so they are refused with a
// 400 naming the parameter before any store sees them.
func checkRequestText(r *http.Request, params []string) error {
	var ps []raci.Problem
	for _, name := range params {
		if fault, _ := raci.TextFault(r.PathValue(name), false); fault != "" {
			ps = append(ps, raci.Problem{Field: name, Detail: fmt.Sprintf(
				"The %s in the path is not a name the API can hold (%s): names are %s.", name, fault, raci.SlugRule)})
		}
	}
	if r.URL.RawQuery != "" {
		query := r.URL.Query()
		for _, key := range slices.Sorted(maps.Keys(query)) {
			if fault, _ := raci.TextFault(key, false); fault != "" {
				ps = append(ps, raci.Problem{Field: strconv.QuoteToASCII(key), Detail: fmt.Sprintf(
					"The query parameter %s is not one the API knows (%s): see /v1/openapi.json for the parameters.", strconv.QuoteToASCII(key), fault)})
				continue
			}
			for _, v := range query[key] {
				if fault, _ := raci.TextFault(v, false); fault != "" {
					ps = append(ps, raci.Problem{Field: key, Detail: fmt.Sprintf(
						"The query parameter %s is not text the API can take (%s): send UTF-8 without control characters, percent-encoded.", key, fault)})
					break
				}
			}
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return &statusError{status: http.StatusBadRequest, err: raci.Invalid(ps...)}
}

// listOptions reads ?after= and ?limit= from a list request.
func listOptions(r *http.Request) (raci.ListOptions, error) {
	q := r.URL.Query()
	opts := raci.ListOptions{After: q.Get("after")}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > raci.MaxPageSize {
			return opts, raci.Invalid(raci.Problem{
				Field:  "limit",
				Detail: "The query parameter limit must be a whole number from 1 to " + strconv.Itoa(raci.MaxPageSize) + ", not " + strconv.Quote(s) + ".",
			})
		}
		opts.Limit = n
	}
	return opts, nil
}

// writePrecondition reads the conditions of a write: If-None-Match: * to create
// only, If-Match: "N" to replace or delete only version N. Both at once ask for
// something no object can be, which is a mistake in the request, not a failed
// precondition. If-Match compares strongly (RFC 9110): a weak tag never matches.
func writePrecondition(r *http.Request) (raci.Precondition, error) {
	var pre raci.Precondition
	if r.Header.Get("If-None-Match") != "" && r.Header.Get("If-Match") != "" {
		return pre, badRequest("If-Match", "A write takes If-Match (replace only the version read) or If-None-Match: * "+
			"(create only), not both: send one of them.")
	}
	if h := r.Header.Get("If-None-Match"); h != "" {
		if strings.TrimSpace(h) != "*" {
			return pre, badRequest("If-None-Match", "On a write, If-None-Match must be \"*\" (create only, never replace), not %q.", h)
		}
		pre.IfNoneMatch = true
	}
	if h := r.Header.Get("If-Match"); h != "" {
		v, weak, ok := parseETag(h)
		if !ok {
			return pre, badRequest("If-Match", "If-Match must be one entity tag naming the version read, such as \"\\\"3\\\"\" from the ETag header, not %q.", h)
		}
		if weak {
			return pre, raci.Errorf(raci.EPRECONDITION, "If-Match %s is a weak entity tag, which never matches a write "+
				"(RFC 9110 compares If-Match strongly): send the ETag as the server gave it, without W/.", h)
		}
		pre.IfMatch = v
	}
	return pre, nil
}

// notModified reports whether the If-None-Match header of a read names the stored
// version, so the caller's copy is current. Tags that do not parse never match.
func notModified(r *http.Request, version int64) bool {
	h := r.Header.Get("If-None-Match")
	if h == "" {
		return false
	}
	for _, tag := range strings.Split(h, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" {
			return true
		}
		if v, _, ok := parseETag(tag); ok && v == version {
			return true
		}
	}
	return false
}

// writeStored answers a PUT with what is stored now: 201 and its Location when the
// object was created, 200 when replaced.
func (s *Server) writeStored(w http.ResponseWriter, r *http.Request, created bool, location string, version int64, v any) {
	w.Header().Set("ETag", etag(version))
	status := http.StatusOK
	if created {
		w.Header().Set("Location", location)
		status = http.StatusCreated
	}
	s.writeJSON(w, r, status, v)
}

// urlNames makes the names in the URL authoritative over the body: a name the body
// omits is filled in, one that differs is a problem. Each entry pairs the JSON field
// with the body's value and the URL's.
type urlName struct {
	field string
	body  *string
	url   string
}

func applyURLNames(names ...urlName) error {
	var ps []raci.Problem
	for _, n := range names {
		switch *n.body {
		case "":
			*n.body = n.url
		case n.url:
		default:
			ps = append(ps, raci.Problem{
				Field:  n.field,
				Detail: "The body's " + n.field + " " + strconv.Quote(*n.body) + " differs from the URL's " + strconv.Quote(n.url) + ": the URL names the object, so omit the field or make them equal.",
			})
		}
	}
	if len(ps) > 0 {
		return raci.Invalid(ps...)
	}
	return nil
}

// objectPath builds a URL path from escaped segments.
func objectPath(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteString("/")
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}
