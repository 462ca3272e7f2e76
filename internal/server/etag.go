package server

import (
	"strconv"
	"strings"
)

// etag returns the entity tag of an object version, quoted as HTTP sends it.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// parseETag returns the version an entity tag names; weak tags ("W/") are accepted
// because a version names the object's content exactly either way.
func parseETag(tag string) (int64, bool) {
	tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
	if len(tag) < 3 || tag[0] != '"' || tag[len(tag)-1] != '"' {
		return 0, false
	}
	v, err := strconv.ParseInt(tag[1:len(tag)-1], 10, 64)
	if err != nil || v < 1 {
		return 0, false
	}
	return v, true
}
