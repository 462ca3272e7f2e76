package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
)

// defaultReadCacheBytes bounds the answers the read cache holds: room for the
// snapshots of a few hundred tenants of a hundred rows each.
const defaultReadCacheBytes = 64 << 20

// readCache keeps encoded answers to reads of a tenant's objects, each with the
// tenant's revision when it was read. An answer is used again only while the store
// reports the same revision. Every write to the tenant moves the revision, wherever
// it comes from (this server, another replica, a process sharing the SQLite file),
// so a cached answer is exactly what reading the store again would give. Checking
// the revision is one indexed query where the read itself is several, shared by the
// tenant's concurrent reads (revisionReader), and the encoding is skipped too.
type readCache struct {
	mu      sync.Mutex
	entries map[readKey]*cachedAnswer
	bytes   int // the size of the bodies held
	limit   int
}

type readKey struct{ tenant, object string }

// cachedAnswer is a read's answer as sent.
type cachedAnswer struct {
	revision int64
	// version is the object's version for the ETag, 0 when the answer has none.
	version int64
	body    []byte
}

func newReadCache(limit int) *readCache {
	return &readCache{entries: map[readKey]*cachedAnswer{}, limit: limit}
}

// get returns the answer kept for key if it was read at revision, or nil.
func (c *readCache) get(key readKey, revision int64) *cachedAnswer {
	c.mu.Lock()
	defer c.mu.Unlock()
	if a := c.entries[key]; a != nil && a.revision == revision {
		return a
	}
	return nil
}

// put keeps a, replacing what key held. When the bodies outgrow the limit, entries
// are dropped in map order, which is random: simple, and fair enough for a cache
// whose misses cost one read.
func (c *readCache) put(key readKey, a *cachedAnswer) {
	if len(a.body) > c.limit/4 {
		return // one huge answer would push out everything else
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.entries[key]; old != nil {
		c.bytes -= len(old.body)
	}
	c.entries[key] = a
	c.bytes += len(a.body)
	for k, e := range c.entries {
		if c.bytes <= c.limit {
			break
		}
		if k != key {
			delete(c.entries, k)
			c.bytes -= len(e.body)
		}
	}
}

// readTenantObject answers a GET of one object of the path's tenant: from the
// cache when the tenant has not changed since the answer was made, otherwise by
// calling load, which returns the object and its version (0 for no ETag). Object
// names what is read, unique within the tenant. With a store that keeps no
// revisions every read calls load.
func (s *Server) readTenantObject(w http.ResponseWriter, r *http.Request, object string, load func(context.Context) (any, int64, error)) error {
	ctx, tenant := r.Context(), r.PathValue("tenant")
	if s.revisions == nil {
		v, version, err := load(ctx)
		if err != nil {
			return err
		}
		s.writeAnswer(w, r, &cachedAnswer{version: version, body: s.encode(r, v)})
		return nil
	}
	rev, err := s.revisions.revision(ctx, tenant)
	if err != nil {
		return err
	}
	key := readKey{tenant: tenant, object: object}
	if a := s.cache.get(key, rev); a != nil {
		s.metrics.cacheHits.Inc()
		s.writeAnswer(w, r, a)
		return nil
	}
	s.metrics.cacheMisses.Inc()
	v, version, err := load(ctx)
	if err != nil {
		return err
	}
	// The load started after the revision was read, so it saw that revision or a
	// later one. Kept under rev, it is served only while the tenant is still at rev;
	// had a write slipped in before the load, the tenant is past rev for good
	// (revisions only grow) and the answer is never served again.
	a := &cachedAnswer{revision: rev, version: version, body: s.encode(r, v)}
	if a.body != nil {
		s.cache.put(key, a)
	}
	s.writeAnswer(w, r, a)
	return nil
}

// encode returns v as a response body, nil when it cannot be encoded (a
// programming error, logged).
func (s *Server) encode(r *http.Request, v any) []byte {
	body, err := json.Marshal(v)
	if err != nil {
		s.logEncodeError(r, err)
		return nil
	}
	return append(body, '\n')
}

// writeAnswer sends a read's answer: with its ETag when it has a version, and 304
// when the caller already holds that version.
func (s *Server) writeAnswer(w http.ResponseWriter, r *http.Request, a *cachedAnswer) {
	if a.body == nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if a.version != 0 {
		w.Header().Set("ETag", etag(a.version))
		if notModified(r, a.version) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	// With the length known, a large answer goes out in one piece, not chunked.
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(a.body)
}
