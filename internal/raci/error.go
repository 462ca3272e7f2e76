package raci

import (
	"errors"
	"fmt"
	"strings"
)

// Application error codes. The HTTP layer maps each to one status; the client maps
// the status back, so code that handles errors never cares where the data lives.
const (
	ECONFLICT     = "conflict"            // the write contradicts what is stored (a name in use, a reference still held)
	EINTERNAL     = "internal"            // a failure the caller cannot fix; details are logged, never shown
	EINVALID      = "invalid"             // the input breaks a rule; Problems names each field
	ENOTFOUND     = "not_found"           // no such object, or not visible to the caller
	EPRECONDITION = "precondition_failed" // the object changed since the version the caller read, or already exists
	EUNAUTHORIZED = "unauthorized"        // missing or wrong credentials
	ETOOLARGE     = "too_large"           // a body or collection over the server's limits
)

// Problem is one broken rule: the field it concerns, as a path into the object
// ("assignments[1].roles"), and a sentence for people that says what is wrong and how
// to fix it.
type Problem struct {
	Field  string `json:"field,omitempty"`
	Detail string `json:"detail"`
}

// Error is an application error: a code for programs, a message for people, and for
// EINVALID the list of problems found. Internal details never go in Message.
type Error struct {
	Code     string
	Message  string
	Problems []Problem
}

func (e *Error) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return e.Code
}

// Errorf returns an application error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error carrying every problem; its message lists them.
// Past MaxProblems it lists the first ones and says how many more there are.
func Invalid(problems ...Problem) *Error {
	return InvalidCounted(len(problems), problems...)
}

// MaxProblems is how many problems an error lists. A large input can break a rule
// in every element; listing them all would make an answer far larger than the
// input, and a person reads the first few anyway.
const MaxProblems = 20

// InvalidCounted is Invalid for a caller that found total problems and kept only
// the first of them.
func InvalidCounted(total int, problems ...Problem) *Error {
	problems = problems[:min(len(problems), MaxProblems)]
	details := make([]string, 0, len(problems)+1)
	for _, p := range problems {
		if p.Field != "" {
			details = append(details, p.Field+": "+p.Detail)
		} else {
			details = append(details, p.Detail)
		}
	}
	if more := total - len(problems); more > 0 {
		details = append(details, fmt.Sprintf("and %d more problems", more))
	}
	return &Error{Code: EINVALID, Message: strings.Join(details, "; "), Problems: problems}
}

// ErrorCode returns the code of an application error, EINTERNAL for any other error,
// and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of an application error, and a generic sentence
// for any other error so that internal details never reach users.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorProblems returns the problems of an EINVALID error, or nil.
func ErrorProblems(err error) []Problem {
	var e *Error
	if errors.As(err, &e) {
		return e.Problems
	}
	return nil
}

// problems collects rule violations while an object is validated.
type problems []Problem

func (ps *problems) add(field, format string, args ...any) {
	*ps = append(*ps, Problem{Field: field, Detail: fmt.Sprintf(format, args...)})
}

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return Invalid(ps...)
}
