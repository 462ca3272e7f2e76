#!/usr/bin/env bash
# The release as a consumer meets it (`make release-check`, run by `make test`):
#
#   1. goreleaser (pinned in tools/go.mod) builds this platform's release archive in
#      snapshot mode, with SHA256SUMS, its signature (by a throw-away GPG key made
#      here, through the release's own `signs` configuration) and the manifest, as
#      the release pipeline does for every platform;
#   2. the archive is laid out as a Terraform filesystem mirror (packed layout);
#   3. in a clean temporary directory, with a CLI configuration that names only that
#      mirror, `terraform init` installs the provider for a configuration that pins
#      `version = "~> MAJOR.MINOR"`, and the lock file it writes is checked against
#      the archive;
#   4. the same release served over the provider registry protocol from a loopback
#      address (scripts/localregistry): `terraform init` verifies the signature of
#      SHA256SUMS, and its lock file must hold the same h1: hash and a zh: hash equal
#      to the archive's SHA-256 in SHA256SUMS (Terraform records zh: hashes only from
#      a signed SHA256SUMS, never from a filesystem mirror);
#   5. `terraform apply` of examples/private-saas (installed from the mirror) in
#      local mode, then `terraform plan -detailed-exitcode`, which must find nothing
#      to do.
#
# Any failed step stops the script with a line that says which step and why. It uses
# no network beyond the loopback: goreleaser builds from the module cache, Terraform
# reads the mirror and the local registry.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }
fail() {
  printf >&2 '\nrelease-check FAILED: %s\n' "$*"
  exit 1
}

command -v terraform >/dev/null 2>&1 || fail "terraform is not on PATH"
command -v unzip >/dev/null 2>&1 || fail "unzip is not on PATH (it reads the archive's contents)"
command -v gpg >/dev/null 2>&1 || fail "gpg is not on PATH (it signs SHA256SUMS, as the release does)"

work="$(mktemp -d "${TMPDIR:-/tmp}/raci-release-check.XXXXXX")"
registry_pid=""
cleanup() {
  if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null || true; fi
  GNUPGHOME="$work/gnupg" gpgconf --kill gpg-agent 2>/dev/null || true
  if [ -z "${RELEASE_CHECK_KEEP:-}" ]; then
    rm -rf "$work"
  else
    echo "RELEASE_CHECK_KEEP is set: the scratch directory $work stays."
  fi
}
trap cleanup EXIT

goos="$(go env GOOS)"
goarch="$(go env GOARCH)"
platform="${goos}_${goarch}"
dist="$work/dist"

step "1. goreleaser release --snapshot, this platform only ($platform), signed"
# A throw-away signing key, in a keyring of its own: the release's key never leaves
# the release pipeline. goreleaser signs SHA256SUMS with it through .goreleaser.yml's
# `signs` (gpg --batch --local-user $GPG_FINGERPRINT --detach-sign).
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key "RACI release check <release-check@invalid>" rsa3072 sign 1d ||
  fail "gpg could not make a signing key"
GPG_FINGERPRINT="$(gpg --batch --list-secret-keys --with-colons | awk -F: '/^fpr:/ { print $10; exit }')"
[ -n "$GPG_FINGERPRINT" ] || fail "gpg made no key"
export GPG_FINGERPRINT
# `goreleaser release` has no --single-target (only `goreleaser build` has, and it
# makes no archive nor SHA256SUMS), so it runs on a copy of .goreleaser.yml whose
# goos and goarch lists name this platform alone, writing to a scratch dist/; every
# other line is the release's. Snapshot mode publishes nothing.
awk -v goos="$goos" -v goarch="$goarch" -v dist="$dist" '
  NR == 1 { print "dist: " dist }
  /^    goos:$/   { print; print "      - " goos; skip = 1; next }
  /^    goarch:$/ { print; print "      - " goarch; skip = 1; next }
  skip && /^      - / { next }
  { skip = 0; print }
' .goreleaser.yml >"$work/goreleaser.yml"
grep -q "^      - $goos\$" "$work/goreleaser.yml" && grep -q "^      - $goarch\$" "$work/goreleaser.yml" ||
  fail "could not restrict .goreleaser.yml's goos and goarch to $platform"
go tool -modfile=tools/go.mod goreleaser release --snapshot --clean --config "$work/goreleaser.yml" ||
  fail "goreleaser could not build the snapshot release"
archives="$(find "$dist" -maxdepth 1 -name '*.zip' | wc -l)"
[ "$archives" = 1 ] || fail "goreleaser built $archives archives, want this platform's alone"

version="$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' "$dist/metadata.json")"
[ -n "$version" ] || fail "no version in $dist/metadata.json"
case "$version" in
  *-*) fail "the snapshot version $version is a pre-release: Terraform's ~> constraints never select one (see snapshot.version_template in .goreleaser.yml)" ;;
esac
major_minor="$(echo "$version" | cut -d. -f1,2)"
zip_name="terraform-provider-raci_${version}_${platform}.zip"
zip="$dist/$zip_name"
sums="$dist/terraform-provider-raci_${version}_SHA256SUMS"
manifest_name="terraform-provider-raci_${version}_manifest.json"
for f in "$zip" "$sums" "$sums.sig"; do
  [ -f "$f" ] || fail "goreleaser did not write $(basename "$f")"
done
echo "version $version: $(basename "$zip"), $(basename "$sums"), $(basename "$sums").sig"
gpg --batch --verify "$sums.sig" "$sums" 2>/dev/null || fail "$(basename "$sums").sig is not a good signature of $(basename "$sums")"

# The archive holds the binary as Terraform expects to find it, and the version the
# binary prints is the version of the release.
unzip -q "$zip" -d "$work/unpacked" || fail "$zip_name is not a zip archive"
binary="$work/unpacked/terraform-provider-raci_v${version}"
[ -x "$binary" ] || fail "$zip_name holds no executable terraform-provider-raci_v${version}: $(ls "$work/unpacked")"
printed="$("$binary" version)"
[ "$printed" = "terraform-provider-raci $version" ] ||
  fail "the archive's binary prints \"$printed\", want \"terraform-provider-raci $version\""
echo "$(basename "$binary") version: $printed"

# SHA256SUMS names the archive and the registry manifest (which the release uploads
# from terraform-registry-manifest.json) with their SHA-256.
zip_sha="$(sha256sum "$zip" | cut -d' ' -f1)"
manifest_sha="$(sha256sum terraform-registry-manifest.json | cut -d' ' -f1)"
echo "--- $(basename "$sums")"
cat "$sums"
echo "---"
grep -qx "$zip_sha  $zip_name" "$sums" ||
  fail "$(basename "$sums") does not list $zip_name with its SHA-256 $zip_sha"
grep -qx "$manifest_sha  $manifest_name" "$sums" ||
  fail "$(basename "$sums") does not list $manifest_name with the SHA-256 of terraform-registry-manifest.json, $manifest_sha"

step "2. Filesystem mirror (packed layout)"
# Packed layout: HOSTNAME/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_TARGET.zip,
# the archive as released. The host name is the one Terraform gives a source address
# without one ("raci-dev/raci").
mirror="$work/mirror"
mkdir -p "$mirror/registry.terraform.io/raci-dev/raci"
cp "$zip" "$mirror/registry.terraform.io/raci-dev/raci/"
(cd "$mirror" && find . -type f | sed 's|^\./|  |')

# Only the mirror: no `direct`, so a provider that is not in it fails to install, and
# no plugin cache. The environment of whoever runs this (a TF_CLI_CONFIG_FILE with
# dev_overrides, a plugin cache, extra arguments, a RACI server) is cleared.
cat >"$work/terraformrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["raci-dev/raci"]
  }
}
EOF
consumer="$work/consumer"
mkdir -p "$consumer" "$work/home"
cp -R examples/private-saas/. "$consumer/"
rm -rf "$consumer/.terraform" "$consumer/.terraform.lock.hcl" "$consumer"/terraform.tfstate*
# A consumer pins the provider's minor version; an override file merges this
# requirement into the example's required_providers without editing the example.
cat >"$consumer/release_check_override.tf" <<EOF
terraform {
  required_providers {
    raci = {
      source  = "raci-dev/raci"
      version = "~> $major_minor"
    }
  }
}
EOF
tf() {
  (cd "$consumer" && env -i \
    PATH="$PATH" HOME="$work/home" TMPDIR="${TMPDIR:-/tmp}" \
    TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0 \
    RACI_DATABASE="$work/raci.db" \
    terraform "$@")
}

# The h1: hash a lock file must hold: the hash of the archive's contents (Terraform's
# "h1" scheme: the base64 SHA-256 of the sorted "SHA256  NAME" lines of its files).
h1="h1:$(cd "$work/unpacked" && find . -type f | sed 's|^\./||' | LC_ALL=C sort |
  while IFS= read -r f; do printf '%s  %s\n' "$(sha256sum "$f" | cut -d' ' -f1)" "$f"; done |
  sha256sum | cut -d' ' -f1 | sed 's/../\\x&/g' | { IFS= read -r hex; printf '%b' "$hex"; } | base64)"

# check_lock FILE: the lock file records raci-dev/raci at the snapshot's version and
# constraint, with the h1: hash of the archive's contents.
check_lock() {
  local lock="$1"
  [ -f "$lock" ] || fail "terraform init wrote no .terraform.lock.hcl"
  echo "--- .terraform.lock.hcl"
  cat "$lock"
  echo "---"
  grep -q '^provider "registry.terraform.io/raci-dev/raci" {' "$lock" || fail "the lock file does not record raci-dev/raci"
  grep -q "^  version *= \"$version\"" "$lock" || fail "the lock file records another version than $version"
  grep -q "^  constraints *= \"~> $major_minor\"" "$lock" || fail "the lock file does not record the constraint ~> $major_minor"
  grep -q "\"$h1\"" "$lock" || fail "the lock file does not hold $h1, the h1: hash of $zip_name's contents"
  echo "h1: $h1 is the hash of $zip_name's contents"
}

step "3. terraform init from the mirror (required_providers: raci-dev/raci ~> $major_minor)"
tf init -no-color || fail "terraform init did not install the provider from the mirror"
check_lock "$consumer/.terraform.lock.hcl"
# From a filesystem mirror Terraform can verify no signature, so it records the h1:
# hash it computed and no zh: hash; step 4 gets those through the registry protocol.
if grep -q '"zh:' "$consumer/.terraform.lock.hcl"; then
  grep -q "\"zh:$zip_sha\"" "$consumer/.terraform.lock.hcl" || fail "the lock file's zh: hashes do not include $zip_sha, the SHA-256 SHA256SUMS lists"
fi

step "4. terraform init from a registry (the provider registry protocol, on the loopback)"
go build -o "$work/localregistry" ./scripts/localregistry || fail "could not build scripts/localregistry"
gpg --batch --armor --export "$GPG_FINGERPRINT" >"$work/signing-key.asc"
"$work/localregistry" -dist "$dist" -version "$version" -key "$work/signing-key.asc" \
  -key-id "${GPG_FINGERPRINT: -16}" -url-file "$work/registry-url" -lifetime 5m &
registry_pid=$!
for _ in $(seq 50); do [ -s "$work/registry-url" ] && break; sleep 0.1; done
[ -s "$work/registry-url" ] || fail "scripts/localregistry did not start"
# A host block points Terraform's registry client for the provider's host at the
# local registry instead of discovering its services; `direct` installs from it.
cat >"$work/terraformrc-registry" <<EOF
host "registry.terraform.io" {
  services = {
    "providers.v1" = "$(cat "$work/registry-url")"
  }
}
provider_installation {
  direct {
    include = ["raci-dev/raci"]
  }
}
EOF
from_registry="$work/from-registry"
mkdir -p "$from_registry"
cp "$consumer/release_check_override.tf" "$from_registry/main.tf"
(cd "$from_registry" && env -i PATH="$PATH" HOME="$work/home" TMPDIR="${TMPDIR:-/tmp}" \
  TF_CLI_CONFIG_FILE="$work/terraformrc-registry" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0 \
  terraform init -no-color) || fail "terraform init did not install the provider from the local registry"
check_lock "$from_registry/.terraform.lock.hcl"
grep -q "\"zh:$zip_sha\"" "$from_registry/.terraform.lock.hcl" ||
  fail "the lock file holds no zh:$zip_sha, the SHA-256 of $zip_name in $(basename "$sums")"
echo "zh:$zip_sha is $zip_name's SHA-256 in $(basename "$sums")"
kill "$registry_pid" 2>/dev/null || true
wait "$registry_pid" 2>/dev/null || true
registry_pid=""

step "5. terraform apply (examples/private-saas, local mode)"
tf apply -auto-approve -no-color || fail "terraform apply of examples/private-saas failed"
[ -s "$work/raci.db" ] || fail "the apply wrote nothing to RACI_DATABASE"

step "6. terraform plan -detailed-exitcode"
set +e
tf plan -detailed-exitcode -no-color
code=$?
set -e
case $code in
  0) ;;
  2) fail "terraform plan after the apply is not empty (exit code 2)" ;;
  *) fail "terraform plan after the apply failed (exit code $code)" ;;
esac

printf '\nrelease-check passed: raci-dev/raci %s installed with ~> %s from the mirror and from a registry, applied, planned empty.\n' "$version" "$major_minor"
