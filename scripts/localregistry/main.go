// Command localregistry serves a goreleaser dist/ directory over Terraform's
// provider registry protocol on a loopback address, for scripts/release-check.sh:
// Terraform, pointed at it by a `host` block of its CLI configuration, installs the
// release as it would from the registry, verifying the SHA256SUMS signature, and
// records the zh: hashes that only a signed SHA256SUMS gives.
//
// It serves one provider, one version and the platforms whose archives dist/ holds:
//
//	GET /v1/providers/<namespace>/<type>/versions
//	GET /v1/providers/<namespace>/<type>/<version>/download/<os>/<arch>
//	GET /files/<name>      the archives, SHA256SUMS and its signature
//
// It listens on 127.0.0.1 on a free port, writes the URL of its providers.v1 service
// (http://127.0.0.1:PORT/v1/providers/) to -url-file, and stops after -lifetime.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	dist := flag.String("dist", "", "goreleaser's dist directory")
	project := flag.String("project", "terraform-provider-raci", "the archives' project name")
	address := flag.String("provider", "raci-dev/raci", "the provider's namespace/type")
	version := flag.String("version", "", "the release's version, without v")
	keyFile := flag.String("key", "", "the ASCII-armoured public key that signed SHA256SUMS")
	keyID := flag.String("key-id", "", "that key's ID (the last 16 hex digits of its fingerprint)")
	urlFile := flag.String("url-file", "", "where to write the registry's base URL once it listens")
	lifetime := flag.Duration("lifetime", 10*time.Minute, "how long to serve before exiting")
	flag.Parse()
	if *dist == "" || *version == "" || *keyFile == "" || *keyID == "" || *urlFile == "" {
		log.Fatal("localregistry: -dist, -version, -key, -key-id and -url-file are required")
	}
	armor, err := os.ReadFile(*keyFile)
	if err != nil {
		log.Fatal(err)
	}
	sumsName := fmt.Sprintf("%s_%s_SHA256SUMS", *project, *version)
	sums, err := readSums(filepath.Join(*dist, sumsName))
	if err != nil {
		log.Fatal(err)
	}

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	base := "http://" + listener.Addr().String()
	prefix := "/v1/providers/" + *address + "/"

	type platform struct {
		OS   string `json:"os"`
		Arch string `json:"arch"`
	}
	var platforms []platform
	archive := func(p platform) string {
		return fmt.Sprintf("%s_%s_%s_%s.zip", *project, *version, p.OS, p.Arch)
	}
	for name := range sums {
		rest, ok := strings.CutPrefix(name, fmt.Sprintf("%s_%s_", *project, *version))
		if !ok || !strings.HasSuffix(rest, ".zip") {
			continue
		}
		if osName, arch, ok := strings.Cut(strings.TrimSuffix(rest, ".zip"), "_"); ok {
			platforms = append(platforms, platform{OS: osName, Arch: arch})
		}
	}
	if len(platforms) == 0 {
		log.Fatalf("localregistry: %s lists no archive", sumsName)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET "+prefix+"versions", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{"versions": []any{map[string]any{
			"version": *version, "protocols": []string{"6.0"}, "platforms": platforms,
		}}})
	})
	mux.HandleFunc("GET "+prefix+"{version}/download/{os}/{arch}", func(w http.ResponseWriter, r *http.Request) {
		p := platform{OS: r.PathValue("os"), Arch: r.PathValue("arch")}
		sum, ok := sums[archive(p)]
		if r.PathValue("version") != *version || !ok {
			http.NotFound(w, r)
			return
		}
		writeJSON(w, map[string]any{
			"protocols":             []string{"6.0"},
			"os":                    p.OS,
			"arch":                  p.Arch,
			"filename":              archive(p),
			"download_url":          base + "/files/" + archive(p),
			"shasums_url":           base + "/files/" + sumsName,
			"shasums_signature_url": base + "/files/" + sumsName + ".sig",
			"shasum":                sum,
			"signing_keys": map[string]any{"gpg_public_keys": []any{map[string]string{
				"key_id": *keyID, "ascii_armor": string(armor),
			}}},
		})
	})
	mux.Handle("GET /files/", http.StripPrefix("/files/", http.FileServer(http.Dir(*dist))))

	if err := os.WriteFile(*urlFile, []byte(base+"/v1/providers/"), 0o600); err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	time.AfterFunc(*lifetime, func() { _ = srv.Close() })
	if err := srv.Serve(listener); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
}

// readSums reads a SHA256SUMS file: "<sha256>  <name>" lines.
func readSums(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sums := map[string]string{}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		sum, name, ok := strings.Cut(scanner.Text(), "  ")
		if !ok {
			return nil, fmt.Errorf("%s: line %q is not \"<sha256>  <name>\"", path, scanner.Text())
		}
		sums[name] = sum
	}
	return sums, scanner.Err()
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		log.Print(err)
	}
}
