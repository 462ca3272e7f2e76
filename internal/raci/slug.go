package raci

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// MaxSlugLength bounds names and keys so they fit in URLs, labels and file names.
const MaxSlugLength = 63

var slugPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$`)

// SlugRule describes a valid slug for error messages and schema descriptions.
const SlugRule = "1 to 63 lowercase letters, digits, '-' or '_', starting and ending with a letter or digit"

// ValidSlug reports whether s can be a tenant or party name, or a responsibility key.
func ValidSlug(s string) bool {
	return len(s) <= MaxSlugLength && slugPattern.MatchString(s)
}

// checkSlug adds a problem when value is not a slug. what names the field for people
// ("tenant name").
func (ps *problems) checkSlug(field, what, value string) {
	switch {
	case value == "":
		ps.add(field, "%s is required: use %s.", what, SlugRule)
	case !ValidSlug(value):
		ps.add(field, "%s %q is not a valid slug: use %s, e.g. %q.", what, value, SlugRule, Slugify(value))
	}
}

// Slugify turns a title such as "Backing Up" into a slug such as "backing-up". It is
// used to suggest a fix; the result may still be empty for input with no letters.
func Slugify(s string) string {
	out := make([]byte, 0, len(s))
	dash := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			out = append(out, byte(r))
			dash = false
		case r >= 'A' && r <= 'Z':
			out = append(out, byte(r-'A'+'a'))
			dash = false
		case r == '_':
			// A slug cannot start with '_': drop it there, as separators are.
			if len(out) > 0 {
				out = append(out, '_')
				dash = false
			}
		default:
			if len(out) > 0 && !dash {
				out = append(out, '-')
				dash = true
			}
		}
	}
	for len(out) > 0 && (out[len(out)-1] == '-' || out[len(out)-1] == '_') {
		out = out[:len(out)-1]
	}
	if len(out) > MaxSlugLength {
		out = out[:MaxSlugLength]
		for len(out) > 0 && (out[len(out)-1] == '-' || out[len(out)-1] == '_') {
			out = out[:len(out)-1]
		}
	}
	return string(out)
}

// checkText adds a problem when a one-line text field is longer than limit bytes,
// is not UTF-8, or holds a control character: no tab or line break either.
func (ps *problems) checkText(field, what, value string, limit int) {
	ps.checkLength(field, what, value, limit)
	ps.checkCharacters(field, what, value, false)
}

// checkLines is checkText for a field of several lines (descriptions, notes,
// evidence, reasons): tab and line feed are allowed there, no other control
// character.
func (ps *problems) checkLines(field, what, value string, limit int) {
	ps.checkLength(field, what, value, limit)
	ps.checkCharacters(field, what, value, true)
}

func (ps *problems) checkLength(field, what, value string, limit int) {
	if len(value) > limit {
		ps.add(field, "%s is %d bytes long; shorten it to at most %d.", what, len(value), limit)
	}
}

func (ps *problems) checkCharacters(field, what, value string, lines bool) {
	if problem := TextProblem(what, value, lines); problem != "" {
		ps.add(field, "%s", problem)
	}
}

// TextProblem says what is wrong with text that is to be stored, or returns "" when
// nothing is: text must be UTF-8 and hold no control character (C0, DEL or C1),
// except tab and line feed when lines is set, for a field of several lines. what
// names the field for people ("Title"). Control characters reach terminals,
// spreadsheets and logs that the text is shown in, and a store may refuse them (NUL).
func TextProblem(what, value string, lines bool) string {
	fault, r := TextFault(value, lines)
	switch {
	case fault == "":
		return ""
	case r == utf8.RuneError:
		return fmt.Sprintf("%s is not valid UTF-8 (%s): send the text encoded as UTF-8.", what, fault)
	case lines && r == '\r':
		return fmt.Sprintf("%s holds %s: end lines with a line feed (\\n) alone.", what, fault)
	case lines:
		return fmt.Sprintf("%s holds %s: remove it; only tab and line feed (\\n) may lay out this text.", what, fault)
	}
	return fmt.Sprintf("%s holds %s: remove it; %s is one line of text, without tabs or line breaks.",
		what, fault, strings.ToLower(what[:1])+what[1:])
}

// TextFault finds the first thing in value that TextProblem refuses and describes
// it ("the control character U+0000 (NUL) at byte 1", "byte 3 is 0xe9"), with the
// character, utf8.RuneError for a byte that is not UTF-8. It returns "" when value
// is fine.
func TextFault(value string, lines bool) (string, rune) {
	for i, r := range value {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(value[i:], "\uFFFD"):
			// A U+FFFD that the text holds is three bytes; an invalid byte is one.
			return fmt.Sprintf("byte %d is 0x%02x", i, value[i]), r
		case lines && (r == '\t' || r == '\n'):
		case IsControl(r):
			return fmt.Sprintf("the control character %s at byte %d", controlName(r), i), r
		}
	}
	return "", 0
}

// IsControl reports whether r is a control character: C0 (U+0000 to U+001F), DEL
// or C1 (U+0080 to U+009F).
func IsControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f)
}

// controlName names a control character for people: U+0000 (NUL).
func controlName(r rune) string {
	names := map[rune]string{0: "NUL", '\a': "BEL", '\b': "BS", '\t': "tab", '\n': "line feed", '\v': "VT",
		'\f': "form feed", '\r': "carriage return", 0x1b: "ESC", 0x7f: "DEL"}
	if n, ok := names[r]; ok {
		return fmt.Sprintf("U+%04X (%s)", r, n)
	}
	return fmt.Sprintf("U+%04X", r)
}

func fieldIndex(field string, i int) string { return fmt.Sprintf("%s[%d]", field, i) }
