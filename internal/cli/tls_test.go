package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns their
// files and a pool that trusts the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "raci test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "raci.pem"), filepath.Join(dir, "raci.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// signinAnswer fetches the sign-in page and returns whether its CSRF cookie is
// Secure, and the HSTS header.
func signinAnswer(t *testing.T, client *http.Client, url string, header http.Header) (secure bool, hsts string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d", url, resp.StatusCode)
	}
	found := false
	for _, c := range resp.Cookies() {
		if c.Name == "raci_signin_csrf" {
			found, secure = true, c.Secure
		}
	}
	if !found {
		t.Fatalf("GET %s set no sign-in cookie", url)
	}
	return secure, resp.Header.Get("Strict-Transport-Security")
}

// serve --tls-cert --tls-key serves HTTPS: Secure cookies and HSTS, on the web
// pages and the API alike.
func TestServeOverTLS(t *testing.T) {
	t.Setenv("RACI_BOOTSTRAP_TOKEN", "tls-test-token")
	certFile, keyFile, pool := selfSigned(t)
	base, logs, _ := startServe(t, "--listen", "127.0.0.1:0", "--database", "sqlite:"+filepath.Join(t.TempDir(), "raci.db"),
		"--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.Contains(logs.String(), "url=https://127.0.0.1:") {
		t.Errorf("the listening line does not give an https URL:\n%s", logs)
	}
	base = "https://" + strings.TrimPrefix(base, "http://")
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	secure, hsts := signinAnswer(t, client, base+"/signin", nil)
	if !secure || hsts != "max-age=31536000" {
		t.Errorf("over TLS: cookie Secure %v, HSTS %q; want Secure and max-age=31536000", secure, hsts)
	}
	resp, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Strict-Transport-Security"); resp.StatusCode != 200 || got != "max-age=31536000" {
		t.Errorf("/healthz over TLS = %d, HSTS %q", resp.StatusCode, got)
	}
}

// Behind a --trusted-proxy, X-Forwarded-Proto: https makes cookies Secure and sends
// HSTS; without --trusted-proxy the header is anyone's and changes nothing.
func TestServeTrustedProxy(t *testing.T) {
	t.Setenv("RACI_BOOTSTRAP_TOKEN", "proxy-test-token")
	forwarded := http.Header{"X-Forwarded-Proto": {"https"}}
	client := http.DefaultClient

	behind, _, _ := startServe(t, "--listen", "127.0.0.1:0", "--database", "sqlite:"+filepath.Join(t.TempDir(), "raci.db"),
		"--trusted-proxy", "127.0.0.0/8")
	if secure, hsts := signinAnswer(t, client, behind+"/signin", forwarded); !secure || hsts != "max-age=31536000" {
		t.Errorf("from the trusted proxy over HTTPS: cookie Secure %v, HSTS %q; want both", secure, hsts)
	}
	if secure, hsts := signinAnswer(t, client, behind+"/signin", nil); secure || hsts != "" {
		t.Errorf("from the trusted proxy over HTTP: cookie Secure %v, HSTS %q; want neither", secure, hsts)
	}

	open, _, _ := startServe(t, "--listen", "127.0.0.1:0", "--database", "sqlite:"+filepath.Join(t.TempDir(), "raci.db"))
	if secure, hsts := signinAnswer(t, client, open+"/signin", forwarded); secure || hsts != "" {
		t.Errorf("X-Forwarded-Proto from an untrusted client: cookie Secure %v, HSTS %q; want neither", secure, hsts)
	}
}
