package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// remoteIP returns the IP of the request's connection, if it parses.
func remoteIP(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return ip.Unmap(), true
}

func trustedAddr(ip netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// OverHTTPS reports whether r reached us over HTTPS: on a TLS connection of our
// own, or through a proxy whose address is in trusted and which says so in
// X-Forwarded-Proto. Anyone else's X-Forwarded-Proto is ignored, as anyone may
// send it.
func OverHTTPS(r *http.Request, trusted []netip.Prefix) bool {
	if r.TLS != nil {
		return true
	}
	if len(trusted) == 0 {
		return false
	}
	ip, ok := remoteIP(r)
	if !ok || !trustedAddr(ip, trusted) {
		return false
	}
	// A chain of proxies appends; the one nearest us speaks last.
	proto := r.Header.Values("X-Forwarded-Proto")
	if len(proto) == 0 {
		return false
	}
	parts := strings.Split(proto[len(proto)-1], ",")
	return strings.EqualFold(strings.TrimSpace(parts[len(parts)-1]), "https")
}

// clientIP returns the address of the client that made r: the connection's, or,
// when that is a trusted proxy, the nearest address in X-Forwarded-For that is not
// one of the trusted proxies. Addresses a client wrote itself, before the first
// trusted proxy, are never taken.
func clientIP(r *http.Request, trusted []netip.Prefix) (netip.Addr, bool) {
	ip, ok := remoteIP(r)
	if !ok || !trustedAddr(ip, trusted) {
		return ip, ok
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // what the proxies wrote ends here
		}
		hop = hop.Unmap()
		if !trustedAddr(hop, trusted) {
			return hop, true
		}
		ip = hop
	}
	return ip, true
}
