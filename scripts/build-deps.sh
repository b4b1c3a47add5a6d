#!/usr/bin/env bash
# The system packages the build needs beside Rust: a C compiler, and OpenSSL's headers with
# pkg-config (webauthn-rs, for passkeys, links the system OpenSSL). Installs them with apt
# when run as root; otherwise fails loudly with the command to run.
set -euo pipefail
missing=()
command -v cc >/dev/null || missing+=(build-essential)
command -v pkg-config >/dev/null || missing+=(pkg-config)
if ! pkg-config --exists openssl 2>/dev/null; then missing+=(libssl-dev); fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >&2 \
    || { echo "build-deps.sh: apt-get install ${missing[*]} failed" >&2; exit 1; }
  exit 0
fi
echo "build-deps.sh: missing ${missing[*]}; install them: sudo apt-get install -y ${missing[*]}" >&2
exit 1
