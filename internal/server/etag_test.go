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
		if got, weak, ok := parseETag(tag); !ok || weak || got != v {
			t.Errorf("parseETag(etag(%d)) = %d, weak %v, %v", v, got, weak, ok)
		}
	}
	cases := map[string]struct {
		version int64
		weak    bool
	}{
		`"7"`:    {7, false},
		`W/"7"`:  {7, true},
		` "12" `: {12, false},
	}
	for tag, want := range cases {
		if got, weak, ok := parseETag(tag); !ok || got != want.version || weak != want.weak {
			t.Errorf("parseETag(%q) = %d, weak %v, %v; want %d, weak %v", tag, got, weak, ok, want.version, want.weak)
		}
	}
	for _, bad := range []string{``, `7`, `""`, `"0"`, `"-1"`, `"abc"`, `"7`, `7"`, `"7"x`, `*`, `"1.5"`, `W/7`, `W/W/"7"`} {
		if v, _, ok := parseETag(bad); ok {
			t.Errorf("parseETag(%q) = %d, true; want false", bad, v)
		}
	}
}
