package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// buildBinary builds the provider as the release does, with the version stamped
// through the linker as .goreleaser.yml's ldflags stamp it.
func buildBinary(t *testing.T, version string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "terraform-provider-raci")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version, "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// The version command prints what the release build stamped, not "dev".
func TestVersion_printsWhatTheBuildStamped(t *testing.T) {
	bin := buildBinary(t, "0.1.0")
	for _, arg := range []string{"version", "--version"} {
		out, err := exec.Command(bin, arg).CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", filepath.Base(bin), arg, err, out)
		}
		if got, want := string(out), "terraform-provider-raci 0.1.0\n"; got != want {
			t.Errorf("%s %s printed %q, want %q", filepath.Base(bin), arg, got, want)
		}
	}
}

// The ldflags in .goreleaser.yml set the variable this package reads; a renamed
// variable would leave every release printing "dev".
func TestVersion_goreleaserStampsMainVersion(t *testing.T) {
	config, err := os.ReadFile(".goreleaser.yml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(config), "-X main.version={{ .Version }}") {
		t.Errorf(".goreleaser.yml does not stamp main.version with the release version:\n%s", config)
	}
}

// terraform-registry-manifest.json tells the registry which plugin protocol versions
// the binary serves; Terraform refuses a provider whose handshake names another. The
// binary started as Terraform starts it names its protocol in the go-plugin
// handshake line ("1|6|unix|...|grpc|"), which must be the one the manifest lists.
func TestRegistryManifest_listsTheProtocolTheBinaryServes(t *testing.T) {
	body, err := os.ReadFile("terraform-registry-manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(body, &manifest); err != nil {
		t.Fatalf("terraform-registry-manifest.json: %v", err)
	}
	if manifest.Version != 1 {
		t.Errorf("manifest version %d, want 1 (the registry's format)", manifest.Version)
	}

	served := handshakeProtocol(t, buildBinary(t, "0.1.0"))
	want := []string{served + ".0"}
	if !slices.Equal(manifest.Metadata.ProtocolVersions, want) {
		t.Errorf("terraform-registry-manifest.json lists protocol_versions %q; the binary serves protocol %s, so it must list %q",
			manifest.Metadata.ProtocolVersions, served, want)
	}
}

// handshakeProtocol starts the provider as Terraform does (the plugin's magic cookie,
// every protocol Terraform speaks offered) and returns the protocol version of its
// handshake line.
func handshakeProtocol(t *testing.T, bin string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(),
		"TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
		"PLUGIN_PROTOCOL_VERSIONS=5,6",
	)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no handshake line from the provider: %v\nstderr: %s", err, stderr.String())
	}
	fields := strings.Split(strings.TrimSpace(line), "|")
	if len(fields) < 5 || fields[0] != "1" || fields[4] != "grpc" {
		t.Fatalf("handshake line %q is not go-plugin's (core version 1, grpc)", line)
	}
	t.Logf("handshake: %s", strings.TrimSpace(line))
	return fields[1]
}
