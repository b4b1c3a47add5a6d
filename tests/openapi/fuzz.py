"""Schemathesis against the real `mds serve --demo` (issue 14, item 9): the published OpenAPI
document, every check on (server errors, status codes, content types, response schemas,
headers, positive and negative data, stateful links), as a patient, as a professional and
without a token, each bounded in time. Any failure fails the run; the reports are kept.

Usage: python3 tests/openapi/fuzz.py --bin target/debug/mds [--seconds 120] [--report DIR]
"""

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fhir"))
from harness import Person, Server  # noqa: E402

# Operations that end the caller's own session or account: run without a token only, so
# that the signed-in runs keep their session for every other operation.
SELF_ENDING = ["/api/v1/auth/logout", "/api/v1/me/record/close", "/api/v1/me/record/erasure"]


def run(server, who, token, seconds, report):
    cmd = ["st", "--config-file", os.path.join(HERE, "schemathesis.toml"),
           "run", f"http://127.0.0.1:{server.port}/api/v1/openapi.json", "--checks", "all", "--max-time", str(seconds), "--max-examples", "50",
           "--request-timeout", "30", "--generation-deterministic",
           "--report", "ndjson,junit", "--report-dir", os.path.join(report, who)]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
        for path in SELF_ENDING:
            cmd += ["--exclude-path", path]
    print(f"== schemathesis as {who}: {' '.join(c if 'Bearer' not in c else 'Authorization: Bearer …' for c in cmd)}", flush=True)
    return subprocess.run(cmd).returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--seconds", type=int, default=120)
    ap.add_argument("--report", default=os.path.join(HERE, "..", "..", "target", "schemathesis"))
    a = ap.parse_args()
    server = Server(os.path.abspath(a.bin))
    failed = []
    try:
        people = {
            "patient": Person(server, "marie.wea@demo.mds.nc").token,
            "professional": Person(server, "dr.nea@demo.mds.nc").token,
            "anonymous": None,
        }
        for who, token in people.items():
            if run(server, who, token, a.seconds, a.report) != 0:
                failed.append(who)
    finally:
        server.stop()
    passed = 3 - len(failed)
    print(f"schemathesis: {'failures as ' + ', '.join(failed) if failed else 'no failure'}")
    print(f"{passed} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
