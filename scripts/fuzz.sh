#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/, docs/FUZZING.md) for a bounded time each:
#   scripts/fuzz.sh [SECONDS]        (default 60 s per target)
# Installs cargo-fuzz when it is missing (the nightly toolchain must be installed). Each
# target starts from its committed seeds (fuzz/corpus/TARGET) plus what earlier runs found
# (kept under the target directory). A crash, a panic, a leak or an input slower than 30 s
# fails the run loudly, with the reproducer's path under fuzz/artifacts/TARGET/.
# MDS_FUZZ_TARGET_DIR chooses the build directory (default fuzz/target).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-60}
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || { echo "fuzz.sh: SECONDS must be a positive number" >&2; exit 2; }
targets=(format cda multipart identity json_bodies)
target_dir=${MDS_FUZZ_TARGET_DIR:-$PWD/target}

cargo +nightly --version >/dev/null 2>&1 || {
  echo "fuzz.sh: the nightly toolchain is required (rustup toolchain install nightly)" >&2; exit 1; }
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked
fi

echo "fuzz.sh: building the targets" >&2
cargo +nightly fuzz build --target-dir "$target_dir"

passed=0
failed=0
summary=()
for t in "${targets[@]}"; do
  found="$target_dir/corpus/$t"
  mkdir -p "$found" "artifacts/$t"
  log=$(mktemp)
  echo "fuzz.sh: $t for ${seconds}s" >&2
  set +e
  cargo +nightly fuzz run --target-dir "$target_dir" "$t" "$found" "corpus/$t" -- \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  if [ "$rc" = 0 ]; then
    passed=$((passed + 1))
    summary+=("$t: ${runs:-?} executions in ${seconds}s, no crash")
  else
    failed=$((failed + 1))
    tail -n 60 "$log" >&2
    artifact=$(grep -o "artifacts/$t/[^ ]*" "$log" | tail -n1 || true)
    summary+=("$t: FAILED after ${runs:-?} executions (exit $rc) ${artifact:+reproducer fuzz/$artifact}")
  fi
  rm -f "$log"
done

printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
