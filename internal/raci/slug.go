package raci

import (
	"fmt"
	"regexp"
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

// checkText adds a problem when a free-text field is longer than limit bytes.
func (ps *problems) checkText(field, what, value string, limit int) {
	if len(value) > limit {
		ps.add(field, "%s is %d bytes long; shorten it to at most %d.", what, len(value), limit)
	}
}

func fieldIndex(field string, i int) string { return fmt.Sprintf("%s[%d]", field, i) }
