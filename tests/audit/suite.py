"""A real export checked by the independent verifier (verify_export.py, docs/AUDIT-PROOFS.md
only) and by `mds audit verify-export`, against the real binary (`mds serve --demo`, SQLite or
PostgreSQL): the patient exports twice (the second export's events span several signed
checkpoints), both verifiers find it intact with the published keys, then each kind of
tampering — an event removed, altered or moved, a file removed, altered or added, the
manifest signed with another key, a checkpoint forged or re-signed with another key — is named
by both. Also: the public checkpoint listing pages and its entries verify. Prints
`N passed, M failed`."""

import argparse
import base64
import io
import json
import os
import subprocess
import sys
import tempfile
import traceback
import zipfile

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fhir"))
from harness import Person, Server  # noqa: E402

import verify_export as v  # noqa: E402

PATIENT = "marie.wea@demo.mds.nc"


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def rezip(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, body in files.items():
            z.writestr(name, body)
    return out.getvalue()


class Suite:
    def __init__(self, binary, server):
        self.binary = binary
        self.server = server
        self.tmp = tempfile.mkdtemp(prefix="mds-audit-")
        self.patient = Person(self.server, PATIENT)
        r = requests.get(self.server.url + "/.well-known/mds-audit-key")
        check(r.status_code == 200, f"keys: {r.status_code}")
        self.keys_text = r.content
        self.keys = v.published_keys(self.keys_text)
        check(len(self.keys) >= 1, "no published key")
        self.keys_file = os.path.join(self.tmp, "keys.json")
        with open(self.keys_file, "wb") as f:
            f.write(self.keys_text)

    def export(self):
        r = self.patient.get("/api/v1/me/record/export")
        check(r.status_code == 200, f"export: {r.status_code} {r.text[:200]}")
        return r.content

    def binary_verify(self, data, command=("audit", "verify-export")):
        path = os.path.join(self.tmp, "export.zip")
        with open(path, "wb") as f:
            f.write(data)
        out = subprocess.run([self.binary, *command, path, "--keys", self.keys_file],
                             env=self.server.env, capture_output=True, text=True)
        return out.returncode, out.stdout + out.stderr

    # --- the cases -------------------------------------------------------------------------

    def test_a_real_export_is_intact_for_both_verifiers(self):
        self.export()
        # Events after the first export's checkpoint, then a second export covering both.
        check(self.patient.get("/api/v1/me/notifications").status_code == 200, "notifications")
        data = self.export()
        self.data = data
        problems = v.verify(data, self.keys)
        check(problems == [], f"python verifier: {problems}")
        files = v.read_zip(data)
        proofs = json.loads(files["audit-proofs.json"])
        check(len(proofs["events"]) >= 5, f"only {len(proofs['events'])} events")
        check(len(proofs["checkpoints"]) >= 2, f"only {len(proofs['checkpoints'])} checkpoints")
        check(all(e["checkpoint"] is not None for e in proofs["events"]), "an event is pending")
        code, out = self.binary_verify(data)
        check(code == 0 and "export intact" in out, f"mds audit verify-export: {code} {out}")
        code, out = self.binary_verify(data, ("export", "verify"))
        check(code == 0 and "export intact" in out, f"mds export verify: {code} {out}")

    def test_the_published_checkpoints_page_and_verify(self):
        r = requests.get(self.server.url + "/api/v1/audit/checkpoints", params={"limit": 1})
        check(r.status_code == 200, f"checkpoints: {r.status_code}")
        page = r.json()
        check(len(page["checkpoints"]) == 1 and page["next_after"] is not None, f"page: {page}")
        first = page["checkpoints"][0]
        check(first["from_seq"] == 0, f"first checkpoint: {first}")
        r = requests.get(self.server.url + "/api/v1/audit/checkpoints",
                         params={"after": page["next_after"], "limit": 500})
        rest = r.json()["checkpoints"]
        check(rest and rest[0]["from_seq"] == first["to_seq"], "checkpoints do not follow each other")
        for c in [first, *rest]:
            check(v.ed25519_ok(self.keys[c["key_id"]], v.checkpoint_text(c), c["signature"]),
                  f"checkpoint {c['to_seq']} does not verify")

    def tampered(self, change):
        files = v.read_zip(self.data)
        change(files)
        return rezip(files)

    def expect(self, data, python_problem, binary_text):
        problems = v.verify(data, self.keys)
        check(python_problem in problems, f"python verifier: {python_problem} not in {problems}")
        code, out = self.binary_verify(data)
        check(code == 1 and binary_text in out, f"mds audit verify-export ({code}): {binary_text!r} not in {out}")

    def proofs_change(self, edit):
        def change(files):
            proofs = json.loads(files["audit-proofs.json"])
            edit(proofs)
            files["audit-proofs.json"] = json.dumps(proofs).encode()
        return change

    def test_an_event_removed_is_named(self):
        victim = {}

        def edit(p):
            e = p["events"].pop(2)
            victim.update(e)
        data = self.tampered(self.proofs_change(edit))
        self.expect(data, ("event_missing", victim["seq"]),
                    f"event {victim['seq']} ({victim['id']}): in history.json, removed from the proofs")
        self.expect(data, ("file_altered", "audit-proofs.json"), "audit-proofs.json: altered")

    def test_an_event_altered_is_named(self):
        seq = {}

        def edit(p):
            e = next(e for e in p["events"] if not e.get("withheld"))
            e["outcome"] = "deny" if e["outcome"] != "deny" else "permit"
            seq["v"] = e["seq"]
        data = self.tampered(self.proofs_change(edit))
        self.expect(data, ("event_altered", seq["v"]), f"event {seq['v']}: altered")

    def test_an_event_altered_with_its_hash_recomputed_is_named(self):
        seq = {}

        def edit(p):
            e = next(e for e in p["events"] if not e.get("withheld"))
            e["action"] = "document.read"
            e["hash"] = v.chain_hash(e)
            seq["v"] = e["seq"]
        data = self.tampered(self.proofs_change(edit))
        self.expect(data, ("event_not_proved", seq["v"]), f"event {seq['v']}: not in its signed checkpoint")

    def test_an_event_said_pending_inside_a_checkpoint_is_named(self):
        seq = {}

        def edit(p):
            e = p["events"][1]
            e.update(checkpoint=None, leaf_index=None, path=[])
            seq["v"] = e["seq"]
        data = self.tampered(self.proofs_change(edit))
        self.expect(data, ("event_not_proved", seq["v"]), f"event {seq['v']}: not in its signed checkpoint")

    def test_events_reordered_are_named(self):
        moved = {}

        def edit(p):
            p["events"][1], p["events"][2] = p["events"][2], p["events"][1]
            moved["v"] = p["events"][2]["seq"]
        data = self.tampered(self.proofs_change(edit))
        self.expect(data, ("event_out_of_order", moved["v"]), f"event {moved['v']}: out of order")

    def test_a_file_removed_altered_or_added_is_named(self):
        doc = next(n for n in v.read_zip(self.data) if n.startswith("documents/"))
        self.expect(self.tampered(lambda f: f.pop(doc)), ("file_missing", doc), f"{doc}: listed in the manifest, missing")
        self.expect(self.tampered(lambda f: f.update({"history.html": f["history.html"] + b" "})),
                    ("file_altered", "history.html"), "history.html: altered")
        self.expect(self.tampered(lambda f: f.update({"extra.txt": b"x"})),
                    ("file_not_in_manifest", "extra.txt"), "extra.txt: in the export but not in the manifest")

    def test_the_manifest_signed_with_another_key_is_named(self):
        rogue = Ed25519PrivateKey.generate()
        rogue_public = rogue.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

        def resign(kid):
            def change(files):
                files["manifest.json"] = files["manifest.json"].replace(b'"generated_at"', b'"generated_at" ', 1)
                sig = json.loads(files["signature.json"])
                sig.update(key_id=kid or sig["key_id"], public_key=b64url(rogue_public),
                           signature=b64url(rogue.sign(files["manifest.json"])))
                files["signature.json"] = json.dumps(sig).encode()
            return change
        self.expect(self.tampered(resign(None)), ("signature_invalid", "signature.json"),
                    "signature.json: the signature does not match manifest.json")
        self.expect(self.tampered(resign("mk-rogue")), ("unknown_key", "mk-rogue"),
                    'signed with key "mk-rogue", which is not a key of the service')

    def test_a_forged_checkpoint_is_named(self):
        rogue = Ed25519PrivateKey.generate()
        to = {}

        def forge(resign):
            def edit(p):
                c = p["checkpoints"][0]
                c["root"] = "00" * 32
                to["v"] = c["to_seq"]
                if resign:
                    c["key_id"] = "mk-rogue"
                    c["signature"] = b64url(rogue.sign(v.checkpoint_text(c)))
            return self.proofs_change(edit)
        self.expect(self.tampered(forge(False)), ("checkpoint_forged", to["v"]),
                    f"checkpoint {to['v']}: forged or altered")
        self.expect(self.tampered(forge(True)), ("checkpoint_unknown_key", to["v"]),
                    f"checkpoint {to['v']}: signed with a key that is not a key of the service")

    def run(self):
        cases = [getattr(self, n) for n in dir(self) if n.startswith("test_")]
        # The real export first: the tampering cases start from it.
        cases.sort(key=lambda c: c.__name__ != "test_a_real_export_is_intact_for_both_verifiers")
        passed = failed = 0
        for case in cases:
            try:
                case()
                passed += 1
                print(f"ok   {case.__name__}")
            except Exception:  # noqa: BLE001 — every failure is reported, the run goes on
                failed += 1
                print(f"FAIL {case.__name__}")
                traceback.print_exc()
        return passed, failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--pg")
    args = ap.parse_args()
    server = Server(args.bin, args.pg)
    try:
        passed, failed = Suite(args.bin, server).run()
    finally:
        server.stop()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
