#!/usr/bin/env bash
# The demo behind `make demo`: start a throw-away RACI server, apply the
# examples/private-saas configuration to it, print the resulting matrix, then change a
# row behind Terraform's back and let `terraform plan` show the drift.
#
# Everything happens in a temporary directory that is removed, and the server stopped,
# however the script ends. Needs: bin/terraform-provider-raci (make build), terraform,
# curl.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
bin="$root/bin/terraform-provider-raci"
tenant=initech

step() { printf '\n==> %s\n' "$*"; }
fail() {
  printf '\nDemo failed: %s\n' "$*" >&2
  exit 1
}

[[ -x "$bin" ]] || fail "$bin is missing: run 'make demo' (or 'make build' first)."
command -v terraform >/dev/null 2>&1 || fail "terraform is not on PATH: install Terraform 1.11 or later."
command -v curl >/dev/null 2>&1 || fail "curl is not on PATH."

tmp=$(mktemp -d "${TMPDIR:-/tmp}/raci-demo.XXXXXX")
server_pid=""
server_log_shown=false

# Prints the first or last lines of the server's log: show_server_log head|tail.
show_server_log() {
  echo "--- server log ---" >&2
  "$1" -n 40 "$tmp/server.log" >&2 || true
  echo "------------------" >&2
  server_log_shown=true
}

cleanup() {
  local rc=$?
  if [[ "$rc" -ne 0 && "$rc" -lt 128 && "$server_log_shown" != true && -s "$tmp/server.log" ]]; then
    show_server_log tail
  fi
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  if [[ -n "$server_pid" ]]; then
    echo
    echo "==> The server is stopped and its temporary files are removed."
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A port nothing listens on: connecting to it must fail.
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=""
for _ in $(seq 1 20); do
  candidate=$((20000 + RANDOM % 40000))
  if port_is_free "$candidate"; then
    port=$candidate
    break
  fi
done
[[ -n "$port" ]] || fail "found no free port on 127.0.0.1."

endpoint="http://127.0.0.1:$port"
token=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')

# curl reads the token from a file, so that it never shows in the process list.
curl_config="$tmp/curl.conf"
printf 'header = "Authorization: Bearer %s"\n' "$token" >"$curl_config"
chmod 600 "$curl_config"
api() { curl --silent --show-error --config "$curl_config" "$@"; }

step "2. Starting a RACI server on $endpoint (database: a temporary SQLite file)"
RACI_BOOTSTRAP_TOKEN="$token" "$bin" serve \
  --listen "127.0.0.1:$port" \
  --database "sqlite:$tmp/raci.db" \
  >"$tmp/server.log" 2>&1 &
server_pid=$!

ready=false
for _ in $(seq 1 100); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    show_server_log head
    fail "the server exited before it became ready (its log is above)."
  fi
  if api --fail --output /dev/null "$endpoint/readyz" 2>/dev/null; then
    ready=true
    break
  fi
  sleep 0.2
done
if [[ "$ready" != true ]]; then
  show_server_log tail
  fail "the server did not become ready at $endpoint/readyz within 20 seconds (its log is above)."
fi
echo "The server is ready. It accepts requests that carry a random token generated for this demo."

step "3. Pointing Terraform at bin/ (a development override: no registry, no terraform init)"
cat >"$tmp/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "raci-dev/raci" = "$root/bin"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$tmp/terraformrc"
export CHECKPOINT_DISABLE=1
export TF_INPUT=0
echo "Terraform warns that provider development overrides are in effect: that is this step."

mkdir "$tmp/config"
cp "$root"/examples/private-saas/*.tf "$tmp/config/"
export RACI_ENDPOINT="$endpoint"
export RACI_TOKEN="$token"
unset RACI_DATABASE
# Colors on a terminal only, so that logs stay readable.
color=()
[[ -t 1 ]] || color=(-no-color)
tf() {
  local cmd=$1
  shift
  terraform -chdir="$tmp/config" "$cmd" -input=false -compact-warnings ${color[@]+"${color[@]}"} "$@"
}
# tf_warnings is tf with warnings shown in full, for the step whose warning matters.
tf_warnings() {
  local cmd=$1
  shift
  terraform -chdir="$tmp/config" "$cmd" -input=false ${color[@]+"${color[@]}"} "$@"
}

step "4. terraform apply: examples/private-saas (1 tenant, 2 parties, 12 responsibilities, 1 checklist)"
tf apply -auto-approve

step "5. The matrix of tenant '$tenant', as the server now holds it"
"$bin" matrix --endpoint "$endpoint" --tenant "$tenant"

step "6. Someone changes the 'backing-up' row through the API, outside Terraform: Auth0 is no longer informed"
url="$endpoint/v1/tenants/$tenant/responsibilities/backing-up"
etag=$(api --fail --output /dev/null --dump-header - "$url" |
  tr -d '\r' | awk 'tolower($1) == "etag:" { print $2 }') ||
  fail "could not read $url from the server."
if_match=()
[[ -n "$etag" ]] && if_match=(--header "If-Match: $etag")
api --fail-with-body --output "$tmp/put.json" --request PUT ${if_match[@]+"${if_match[@]}"} \
  --header 'Content-Type: application/json' \
  --data-binary @- "$url" <<'EOF' || { cat "$tmp/put.json" >&2 2>/dev/null; fail "the out-of-band PUT was refused."; }
{
  "title": "Backing Up",
  "category": "Operations",
  "description": "",
  "notes": "The subscriber is responsible for [backing up Private SaaS](/private-saas/disaster-recovery) using the [Command-Line Tools](/private-saas/cli).",
  "assignments": [
    {"party": "subscriber", "roles": ["R", "A"], "holder": "", "when": ""}
  ]
}
EOF
echo "PUT $url: done."

step "7. terraform plan: Terraform reads the server, says who changed the row, and wants to put Auth0 back"
set +e
tf_warnings plan -detailed-exitcode
plan_rc=$?
set -e
case "$plan_rc" in
  2) echo
     echo "terraform plan exited with 2: it found the out-of-band change, as expected." ;;
  0) fail "terraform plan found no changes: the drift went unnoticed." ;;
  *) fail "terraform plan failed (exit code $plan_rc)." ;;
esac

step "8. terraform apply: the configuration wins, the row is restored"
tf apply -auto-approve >/dev/null
echo "Applied. Auth0 is informed about backups again."

step "9. terraform plan -var deploy=true: the deployment waits for the subscriber's infrastructure checklist"
set +e
tf plan -var deploy=true > "$tmp/gate.out" 2>&1
gate_rc=$?
set -e
cat "$tmp/gate.out"
[[ "$gate_rc" -ne 0 ]] || fail "the deployment was planned although no checklist item is done."
grep -q "required items block deploy:production" "$tmp/gate.out" ||
  fail "the plan failed, but not with the readiness summary."
echo
echo "terraform plan stopped at the precondition, naming each blocking item and its owner."

step "10. The subscriber ticks every item through the API (PATCH .../checklists/infrastructure/items/{item})"
for item in vms load-balancers networks ssl-certificates dns-records smtp-servers vendor-access; do
  api --fail-with-body --output "$tmp/patch.json" --request PATCH \
    --header 'Content-Type: application/json' \
    --data "{\"status\": \"done\", \"evidence\": \"ticked in the demo\"}" \
    "$endpoint/v1/tenants/$tenant/checklists/infrastructure/items/$item" ||
    { cat "$tmp/patch.json" >&2 2>/dev/null; fail "ticking $item was refused."; }
  echo "  $item: done"
done

step "11. terraform plan -var deploy=true: ready, so the deployment is planned; the ticks are not drift"
tf plan -var deploy=true

step "12. Done"
echo "The server held the ticks; Terraform showed them and planned no change to the checklist."
