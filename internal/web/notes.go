package web

import (
	"net/url"
	"regexp"
	"strings"
)

// noteSegment is a run of a row's notes: text, or a link when Href is set. The
// template escapes both, so notes never carry markup of their own.
type noteSegment struct {
	Text, Href string
}

// noteLink finds the links people write in notes: a Markdown link, as published
// matrices have ("[infrastructure requirements](/private-saas/infrastructure)"),
// or a bare http(s) URL. A Markdown link's URL has no spaces or parentheses.
var noteLink = regexp.MustCompile(`\[([^\[\]]*)\]\(([^()\s]*)\)|https?://[^\s<>"'` + "`" + `]+`)

// noteSegments splits notes into text and links. A link becomes one only when its
// URL is http or https with a host, or relative to the page's site (no scheme, no
// host: "/docs", "runbook#backups"); anything else (javascript:, data:, mailto:,
// "//host") stays text as written.
func noteSegments(notes string) []noteSegment {
	var out []noteSegment
	text := func(s string) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Href == "" {
			out[n-1].Text += s
			return
		}
		out = append(out, noteSegment{Text: s})
	}
	last := 0
	for _, m := range noteLink.FindAllStringSubmatchIndex(notes, -1) {
		start, end := m[0], m[1]
		text(notes[last:start])
		last = end
		if m[2] >= 0 { // [text](url)
			label, href := notes[m[2]:m[3]], notes[m[4]:m[5]]
			if linkable(href, true) && strings.TrimSpace(label) != "" {
				out = append(out, noteSegment{Text: label, Href: href})
			} else {
				text(notes[start:end])
			}
			continue
		}
		// A bare URL ends before the punctuation that ends its sentence.
		href := strings.TrimRight(notes[start:end], ".,;:!?)]}")
		last = start + len(href)
		if linkable(href, false) {
			out = append(out, noteSegment{Text: href, Href: href})
		} else {
			text(href)
		}
	}
	text(notes[last:])
	return out
}

// linkable reports whether href may be a link on the page: http or https to a host,
// or, when relative is allowed, a path on the page's own site.
func linkable(href string, relative bool) bool {
	u, err := url.Parse(href)
	if err != nil {
		return false
	}
	switch {
	case u.Scheme == "http" || u.Scheme == "https":
		return u.Host != ""
	case u.Scheme == "" && u.Host == "" && u.Opaque == "":
		// Browsers read a backslash as a slash, so "/\host" would leave the site as
		// "//host" does; a path is what published matrices link.
		return relative && href != "" && !strings.HasPrefix(strings.ReplaceAll(href, `\`, "/"), "//")
	}
	return false
}
