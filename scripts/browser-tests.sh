#!/usr/bin/env bash
# Browser journeys through the portals: Playwright (playwright-core from npm) drives Debian's
# Chromium headless against `mds serve --demo` started here on a temporary data directory and
# a free loopback port, its e-mails delivered to a real SMTP server (aiosmtpd) whose messages the
# journeys read; axe-core checks every page (WCAG 2.1 A/AA, zero violations).
# Installs what is missing (node and npm, Chromium with apt as root; `npm ci`) and fails
# loudly when it cannot. Prints "N passed, N failed" last; exits non-zero on any failure.
# MDS_TEST_SCREENSHOTS=DIR (default docs/screenshots) receives the screenshots; empty = none.
# Arguments, if any, name the journey files to run (e.g. journeys/3-access.test.js); none = all.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
fail() { echo "browser-tests.sh: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

as_root_apt() {
  [ "$(id -u)" = 0 ] || fail "$1 is missing; install it: sudo apt-get install -y $1"
  command -v apt-get >/dev/null || fail "$1 is missing and apt-get is not available"
  echo "browser-tests.sh: installing $1 with apt-get" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1") >&2 ||
    fail "cannot install $1 with apt-get"
}

command -v node >/dev/null || as_root_apt nodejs
command -v npm >/dev/null || as_root_apt npm
chromium=${MDS_TEST_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || as_root_apt chromium
[ -x "$chromium" ] || fail "no Chromium at $chromium"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 18 ] || fail "node 18 or later is required (found $(node --version))"

cd tests/browser
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund >&2 || fail "npm ci failed in tests/browser"
fi
cd "$root"

cargo build -q -p mds >&2 || fail "cargo build failed"
target=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
mds="$target/debug/mds"
[ -x "$mds" ] || fail "no binary at $mds"

work=$(mktemp -d)
server=""
sink=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$sink" ]; then kill "$sink" 2>/dev/null || true; wait "$sink" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
# The journeys' temporary files (identity scans to upload, browser profiles) land in $work and go
# with it, whatever a journey forgets to clean.
mkdir "$work/tmp"
export TMPDIR="$work/tmp"

# A real SMTP server (aiosmtpd with scripts/smtp_sink.py) receives the service's e-mails as
# JSON files in $work/mail, where the journeys read them (a password reset link).
python3 -c 'import aiosmtpd' >/dev/null 2>&1 ||
  fail "aiosmtpd is missing: python3 -m pip install aiosmtpd (scripts/services.sh start installs it)"
smtp_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PYTHONPATH="$root/scripts" python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c smtp_sink.Sink "$work/mail" &
sink=$!
for _ in $(seq 1 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $smtp_port), 1)" 2>/dev/null && break
  kill -0 "$sink" 2>/dev/null || fail "the SMTP sink stopped"
  sleep 0.2
done

# Port 0: the system picks a free port; the service prints its address. Every journey comes
# from 127.0.0.1: the self-enrolments of all of them count against one address's hourly quota,
# raised here above the journeys' total (the quota itself is tested in the app and web suites).
MDS_DATA_DIR="$work/data" MDS_LISTEN=127.0.0.1:0 MDS_SMTP_HOST=127.0.0.1 MDS_SMTP_PORT="$smtp_port" \
  MDS_SECURITY_ENROLMENT_MAX_PER_ADDRESS_HOUR=20 \
  "$mds" serve --demo >"$work/serve.log" 2>&1 &
server=$!
url=""
for _ in $(seq 1 240); do
  url=$(sed -n 's/.*écoute sur \(http[^ ]*\).*/\1/p' "$work/serve.log" | head -n1)
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; fail "mds serve stopped"; }
  sleep 0.5
done
[ -n "$url" ] || { cat "$work/serve.log" >&2; fail "mds serve did not print its address"; }
echo "browser-tests.sh: portals at $url" >&2

shots=${MDS_TEST_SCREENSHOTS-$root/docs/screenshots}
journeys=("$@")
[ ${#journeys[@]} -gt 0 ] || journeys=(journeys/)
set +e
(cd tests/browser && MDS_TEST_BASE_URL="$url" MDS_TEST_BIN="$mds" MDS_TEST_CHROMIUM="$chromium" \
  MDS_TEST_BROWSER_STATE="$work/totp-steps.json" MDS_TEST_SCREENSHOTS="$shots" MDS_TEST_MAIL_DIR="$work/mail" \
  node --test --test-concurrency=1 --test-reporter=tap "${journeys[@]}") 2>&1 | tee "$work/tap.log"
status=${PIPESTATUS[0]}
set -e
passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$work/tap.log" | tail -n1)
failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$work/tap.log" | tail -n1)
if [ -z "$passed" ] || [ "$passed" = 0 ]; then
  echo "browser-tests.sh: no journey ran" >&2
  status=1
fi
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
