#!/usr/bin/env bash
# The FHIR suite (tests/fhir/suite.py): real FHIR clients — fhirpy (async) and fhirclient —
# against the real `mds` binary, once on SQLite and once on a fresh PostgreSQL database, every
# FHIR answer validated with fhir.resources (R4B) and fhirclient's R4 models; then the
# client-certificate suite (tests/fhir/mtls.py) on both backends, over real TLS, and the
# export verification suite (tests/audit/suite.py) on both backends. Installs the
# Python packages (pip) when they are missing and fails loudly, with the command to run, when
# it cannot. PostgreSQL comes from MDS_TEST_PG_URL (`eval "$(scripts/services.sh start)"`).
# Ends with one line: `N passed, M failed`.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=('fhirpy>=2.3,<3' 'fhirclient>=4.4,<5' 'fhir.resources>=8.3,<9' 'requests>=2.28,<3' 'cryptography>=41,<50')

die() { echo "fhir-tests.sh: $*" >&2; exit 1; }

ensure_packages() {
  python3 -c 'import fhirpy, fhirclient, fhir.resources.R4B, requests, cryptography' >/dev/null 2>&1 && return 0
  echo "installing the FHIR clients (pip)…" >&2
  python3 -m pip install -q "${PACKAGES[@]}" >&2 \
    || die "the FHIR clients are missing and could not be installed. Install them with: python3 -m pip install ${PACKAGES[*]}"
  python3 -c 'import fhirpy, fhirclient, fhir.resources.R4B, requests, cryptography' >/dev/null 2>&1 \
    || die "fhirpy, fhirclient, fhir.resources or cryptography is not importable after installation"
}

command -v python3 >/dev/null || die "python3 is required"
command -v psql >/dev/null || die "psql is required (scripts/services.sh installs PostgreSQL)"
: "${MDS_TEST_PG_URL:?fhir-tests.sh needs PostgreSQL: eval \"\$(scripts/services.sh start)\" first}"
ensure_packages
cargo build -q -p mds
bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/mds"
[ -x "$bin" ] || die "no mds binary at $bin"

# Every temporary file of the suites (their servers' data directories, the exports they check)
# lands in one directory removed on exit, whatever a suite forgets to clean.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export TMPDIR=$scratch
log=$(mktemp)
certs=$(mktemp -d)
status=0
(cd tests/fhir && python3 suite.py --bin "$bin") 2>&1 | tee -a "$log" || status=1
(cd tests/fhir && python3 suite.py --bin "$bin" --pg "$MDS_TEST_PG_URL") 2>&1 | tee -a "$log" || status=1
# Structure software proved by a TLS client certificate, against mds serving HTTPS itself.
(cd tests/fhir && python3 mtls.py --bin "$bin" --dir "$certs") 2>&1 | tee -a "$log" || status=1
(cd tests/fhir && python3 mtls.py --bin "$bin" --dir "$certs" --pg "$MDS_TEST_PG_URL") 2>&1 | tee -a "$log" || status=1
# A record's export checked by an independent verifier and by `mds audit verify-export`
# (docs/AUDIT-PROOFS.md), intact and tampered with.
(cd tests/audit && python3 suite.py --bin "$bin") 2>&1 | tee -a "$log" || status=1
(cd tests/audit && python3 suite.py --bin "$bin" --pg "$MDS_TEST_PG_URL") 2>&1 | tee -a "$log" || status=1
awk '/^[0-9]+ passed, [0-9]+ failed$/ { p += $1; f += $3 } END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
