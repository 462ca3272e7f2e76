package server

import (
	"fmt"
	"testing"
)

func TestETag(t *testing.T) {
	for _, v := range []int64{1, 2, 81, 1 << 40} {
		tag := etag(v)
		if want := fmt.Sprintf(`"%d"`, v); tag != want {
			t.Errorf("etag(%d) = %s, want %s", v, tag, want)
		}
		if got, ok := parseETag(tag); !ok || got != v {
			t.Errorf("parseETag(etag(%d)) = %d, %v", v, got, ok)
		}
	}
	cases := map[string]int64{
		`"7"`:    7,
		`W/"7"`:  7, // weak: a version names the content exactly either way
		` "12" `: 12,
	}
	for tag, want := range cases {
		if got, ok := parseETag(tag); !ok || got != want {
			t.Errorf("parseETag(%q) = %d, %v; want %d, true", tag, got, ok, want)
		}
	}
	for _, bad := range []string{``, `7`, `""`, `"0"`, `"-1"`, `"abc"`, `"7`, `7"`, `"7"x`, `*`, `"1.5"`, `W/7`} {
		if v, ok := parseETag(bad); ok {
			t.Errorf("parseETag(%q) = %d, true; want false", bad, v)
		}
	}
}
