package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/raci-dev/terraform-provider-raci/internal/raci"
)

// eforbidden is the code for a token that may see the tenant but lacks the scope
// for the request. It is the server's own: to code above the client it is
// raci.EUNAUTHORIZED, since the fix is the same, another token.
const eforbidden = "forbidden"

// codeStatus is the one place where application error codes become HTTP statuses.
// The client maps them back, so raci.ErrorCode works the same over the wire.
var codeStatus = map[string]int{
	raci.EINVALID:      http.StatusUnprocessableEntity,
	raci.ENOTFOUND:     http.StatusNotFound,
	raci.ECONFLICT:     http.StatusConflict,
	raci.EPRECONDITION: http.StatusPreconditionFailed,
	raci.EUNAUTHORIZED: http.StatusUnauthorized,
	eforbidden:         http.StatusForbidden,
	raci.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	raci.EINTERNAL:     http.StatusInternalServerError,
}

// forbidden returns the error for a token that lacks the scope a request needs.
func forbidden(format string, args ...any) error {
	return raci.Errorf(eforbidden, format, args...)
}

// problemTypePrefix makes a problem's type a stable URN per code, which RFC 9457
// allows when there is no page to link to.
const problemTypePrefix = "urn:raci:problem:"

// problem is an RFC 9457 problem details object, with the application code and, for
// EINVALID, every broken rule.
type problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail"`
	Code   string         `json:"code"`
	Errors []raci.Problem `json:"errors,omitempty"`
}

// statusError is an error about the HTTP exchange itself (malformed JSON, a bad
// header, a method the path does not allow) rather than about the domain, so it
// carries its own status; its code is still one of raci's for clients.
type statusError struct {
	status int
	err    *raci.Error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// badRequest returns a 400 error about one part of the request, such as a header.
// A request that is not about one field (a body that is not JSON) has no problems
// list, only the detail.
func badRequest(field, format string, args ...any) error {
	if field == "" {
		return &statusError{status: http.StatusBadRequest, err: raci.Errorf(raci.EINVALID, format, args...)}
	}
	err := raci.Invalid(raci.Problem{Field: field, Detail: fmt.Sprintf(format, args...)})
	return &statusError{status: http.StatusBadRequest, err: err}
}

// writeError answers with problem details for err. Internal errors are logged and
// answered with a generic sentence, because their text may reveal paths, queries or
// hosts.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := raci.ErrorCode(err)
	detail := raci.ErrorMessage(err)
	status := 0
	var se *statusError
	if errors.As(err, &se) {
		status = se.status
	} else if code == raci.EINTERNAL {
		s.logger.LogAttrs(r.Context(), slog.LevelError, "internal error",
			slog.String("method", r.Method), slog.String("route", r.Pattern), slog.String("error", err.Error()))
		detail = "The server could not complete the request because of an internal error; its log has the details."
	}
	if status == 0 {
		status = statusFor(code)
	}
	if code == raci.EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="raci"`)
	}
	p := problem{
		Type:   problemTypePrefix + code,
		Title:  http.StatusText(status),
		Status: status,
		Detail: detail,
		Code:   code,
		Errors: raci.ErrorProblems(err),
	}
	s.writeJSONAs(w, r, status, "application/problem+json", p)
}

func statusFor(code string) int {
	if status, ok := codeStatus[code]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// writeJSON answers with v as JSON.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	s.writeJSONAs(w, r, status, "application/json", v)
}

func (s *Server) writeJSONAs(w http.ResponseWriter, r *http.Request, status int, contentType string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only a programming error gets here; the status is not written yet.
		s.logEncodeError(r, err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

func (s *Server) logEncodeError(r *http.Request, err error) {
	s.logger.LogAttrs(r.Context(), slog.LevelError, "encode response",
		slog.String("route", r.Pattern), slog.String("error", err.Error()))
}
