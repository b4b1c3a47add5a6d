"""An independent verifier of a Mon Drive Santé export, written from docs/AUDIT-PROOFS.md and
the hash format of crates/audit/src/lib.rs only (Python standard library and `cryptography`).

    python3 verify_export.py EXPORT.zip KEYS.json

KEYS.json is the key set published at /.well-known/mds-audit-key. Prints one line per problem
and exits 1 when there is any, 0 otherwise. `verify(zip_bytes, keys)` returns the problems, each
a (kind, subject) pair, e.g. ("event_altered", 12) or ("file_altered", "history.json")."""

import base64
import hashlib
import io
import json
import struct
import sys
import zipfile

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def ed25519_ok(public_key, message, signature_b64):
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(b64url(signature_b64), message)
        return True
    except (InvalidSignature, ValueError):
        return False


# --- The chain hash (format version 1) -----------------------------------------------------

def _text(value):
    if value is None:
        return b"\x00"
    raw = value.encode("utf-8")
    return b"\x01" + struct.pack(">Q", len(raw)) + raw


def _integer(value):
    return b"\x02" + struct.pack(">q", value)


def chain_hash(e):
    parts = [_text("mds-audit/v1"), _text(e["prev_hash"]), _integer(e["seq"]), _text(e["id"]),
             _integer(e["at_ms"])]
    for field in ("actor_kind", "actor_id", "on_behalf_of", "structure_id", "action", "patient_id",
                  "document_id", "access_mode", "outcome", "rule", "detail", "ip"):
        parts.append(_text(e[field]))
    return hashlib.sha256(b"".join(parts)).hexdigest()


# --- The Merkle tree (RFC 9162) ------------------------------------------------------------

def leaf_hash(event_hash_hex):
    return hashlib.sha256(b"\x00" + bytes.fromhex(event_hash_hex)).digest()


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def inclusion_ok(leaf, index, size, path, root):
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def checkpoint_text(c):
    return (f"mds-audit-checkpoint/v1\nfrom {c['from_seq']}\nto {c['to_seq']}\nhead {c['head_hash']}\n"
            f"root {c['root']}\nat {c['signed_at_ms']}\nkey {c['key_id']}\n").encode("utf-8")


# The members of a withheld event, exactly.
WITHHELD_MEMBERS = {"seq", "id", "withheld", "hash", "checkpoint", "leaf_index", "path"}


# --- The export ----------------------------------------------------------------------------

def read_zip(data):
    files = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            if info.filename in files:
                raise ValueError(f"{info.filename} appears twice")
            files[info.filename] = z.read(info)
    return files


def verify(data, keys):
    """keys: {kid: 32-byte public key}. Returns the list of problems (empty: intact)."""
    problems = []
    try:
        files = read_zip(data)
    except (zipfile.BadZipFile, ValueError) as e:
        return [("unreadable", str(e))]
    manifest = files.get("manifest.json")
    if manifest is None:
        return [("file_missing", "manifest.json")]
    signature = files.get("signature.json")
    if signature is None:
        problems.append(("signature_missing", "signature.json"))
    else:
        sig = json.loads(signature)
        key = keys.get(sig["key_id"])
        if key is None:
            problems.append(("unknown_key", sig["key_id"]))
        elif not ed25519_ok(key, manifest, sig["signature"]):
            problems.append(("signature_invalid", "signature.json"))
    listed = set()
    for f in json.loads(manifest)["files"]:
        listed.add(f["path"])
        body = files.get(f["path"])
        if body is None:
            problems.append(("file_missing", f["path"]))
        elif len(body) != f["size"] or hashlib.sha256(body).hexdigest() != f["sha256"]:
            problems.append(("file_altered", f["path"]))
    for name in files:
        if name not in listed and name not in ("manifest.json", "signature.json"):
            problems.append(("file_not_in_manifest", name))

    proofs = json.loads(files["audit-proofs.json"])
    if proofs.get("format") != "mds-audit-proofs/v1":
        return problems + [("unreadable", "audit-proofs.json")]
    checkpoints = {}
    for c in proofs["checkpoints"]:
        key = keys.get(c["key_id"])
        if key is None:
            problems.append(("checkpoint_unknown_key", c["to_seq"]))
        elif not ed25519_ok(key, checkpoint_text(c), c["signature"]):
            problems.append(("checkpoint_forged", c["to_seq"]))
        if c["to_seq"] in checkpoints:
            problems.append(("checkpoint_duplicated", c["to_seq"]))
        checkpoints[c["to_seq"]] = c
    previous = None
    seen = set()
    for e in proofs["events"]:
        seq = e["seq"]
        if previous is not None and seq <= previous["seq"]:
            problems.append(("event_out_of_order", seq))
        withheld = "withheld" in e
        if withheld and (e["withheld"] is not True or set(e) != WITHHELD_MEMBERS):
            problems.append(("event_unreadable", seq))
        if not withheld:
            if chain_hash(e) != e["hash"]:
                problems.append(("event_altered", seq))
            if e["patient_id"] != proofs["patient_id"]:
                problems.append(("event_of_another_record", seq))
            if previous is not None and previous["seq"] == seq - 1 and e["prev_hash"] != previous["hash"]:
                problems.append(("event_chain_broken", seq))
        seen.add((seq, e["id"]))
        to = e["checkpoint"]
        if to is None:
            # Pending only after every checkpoint of the file (the export includes the newest).
            if checkpoints and seq <= max(checkpoints):
                problems.append(("event_not_proved", seq))
        elif to not in checkpoints:
            problems.append(("event_without_checkpoint", seq))
        else:
            c = checkpoints[to]
            ok = (c["from_seq"] < seq <= c["to_seq"] and e["leaf_index"] == seq - c["from_seq"] - 1
                  and inclusion_ok(leaf_hash(e["hash"]), e["leaf_index"], c["to_seq"] - c["from_seq"],
                                   [bytes.fromhex(p) for p in e["path"]], bytes.fromhex(c["root"])))
            if not ok:
                problems.append(("event_not_proved", seq))
        previous = e
    history = {(h["seq"], h["id"]) for h in json.loads(files["history.json"])}
    for seq, _ in sorted(history - seen):
        problems.append(("event_missing", seq))
    for seq, _ in sorted(seen - history):
        problems.append(("event_not_in_history", seq))
    return problems


def published_keys(text):
    return {k["kid"]: b64url(k["x"]) for k in json.loads(text)["keys"]
            if k.get("kty") == "OKP" and k.get("crv") == "Ed25519"}


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: verify_export.py EXPORT.zip KEYS.json")
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    with open(sys.argv[2], "rb") as f:
        keys = published_keys(f.read())
    problems = verify(data, keys)
    for kind, subject in problems:
        print(f"PROBLEM {kind}: {subject}")
    print("export intact" if not problems else f"export NOT intact: {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
