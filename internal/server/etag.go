package server

import (
	"strconv"
	"strings"
)

// etag returns the entity tag of an object version, quoted as HTTP sends it.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// parseETag returns the version an entity tag names, and whether the tag is weak
// ("W/"). Reads compare tags weakly (If-None-Match) and writes strongly (If-Match),
// as RFC 9110 asks, so each caller decides what a weak tag means.
func parseETag(tag string) (version int64, weak, ok bool) {
	tag = strings.TrimSpace(tag)
	if rest, found := strings.CutPrefix(tag, "W/"); found {
		tag, weak = rest, true
	}
	if len(tag) < 3 || tag[0] != '"' || tag[len(tag)-1] != '"' {
		return 0, false, false
	}
	v, err := strconv.ParseInt(tag[1:len(tag)-1], 10, 64)
	if err != nil || v < 1 {
		return 0, false, false
	}
	return v, weak, true
}
