#!/usr/bin/env python3
"""Counts SQL statements per REST request: starts `mds serve --demo` with sqlx statement
logging, logs in as Dr Néa, deposits 3 PDFs in Marie Wéa's record, then issues N list and N
read requests and counts the `sqlx::query` log lines each produced.
Usage: scripts/bench/sql-per-request.py MDS_BINARY [N]   (MDS_DATABASE_URL in the environment selects PostgreSQL)"""
import base64, hashlib, hmac, json, os, re, struct, subprocess, sys, tempfile, time, urllib.request

BIN = sys.argv[1]; N = int(sys.argv[2]) if len(sys.argv) > 2 else 20
DOCTOR, PATIENT, PW = "dr.nea@demo.mds.nc", "marie.wea@demo.mds.nc", "Demo-MDS-2026"

def totp(login):
    secret = base64.b32encode(hashlib.sha256(f"mon-drive-sante-demo:{login}".encode()).digest()[:20])
    key = base64.b32decode(secret)
    mac = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    o = mac[19] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)

def call(method, url, token=None, body=None, ctype=None):
    req = urllib.request.Request(url, data=body, method=method)
    if token: req.add_header("Authorization", f"Bearer {token}")
    if ctype: req.add_header("Content-Type", ctype)
    with urllib.request.urlopen(req) as r: return r.read()

data = tempfile.mkdtemp()
log_path = os.path.join(data, "server.log")
env = {k: v for k, v in os.environ.items() if not k.startswith("MDS_") or k == "MDS_DATABASE_URL"}
env.update(MDS_DATA_DIR=data, MDS_LISTEN="127.0.0.1:0", MDS_LOG_LEVEL="warn,sqlx::query=debug")
log = open(log_path, "w")
srv = subprocess.Popen([BIN, "serve", "--demo"], env=env, stdout=subprocess.PIPE, stderr=log, text=True)
url = None
for line in srv.stdout:
    m = re.search(r"écoute sur (\S+)", line)
    if m: url = m.group(1); break
def lines(): log.flush(); return sum(1 for l in open(log_path) if "sqlx::query" in l)
def stmts_since(n0): 
    log.flush(); ls = [l for l in open(log_path) if "sqlx::query" in l][n0:]
    return ls
try:
    login = lambda who: json.loads(call("POST", f"{url}/api/v1/auth/login", body=json.dumps(
        {"login": who, "password": PW, "totp_code": totp(who)}).encode(), ctype="application/json"))["token"]
    doc, pat = login(DOCTOR), login(PATIENT)
    pid = json.loads(call("GET", f"{url}/api/v1/records/mine", pat))["patient_id"]
    docs = f"{url}/api/v1/records/{pid}/documents"
    b = "qcount-boundary"
    last = None
    for i in range(3):
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\n%" + str(i).encode() * 50 + b"\ntrailer<<>>\nstartxref\n9\n%%EOF\n"
        form = b""
        for k, v in [("type_code", "11488-4"), ("title", f"CR {i}"), ("act_date", "2026-11-20"), ("confirms_patient_informed", "true")]:
            form += f"--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode()
        form += f"--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cr.pdf\"\r\n\r\n".encode() + pdf + f"\r\n--{b}--\r\n".encode()
        last = json.loads(call("POST", docs, doc, form, f"multipart/form-data; boundary={b}"))["id"]
    time.sleep(0.5)
    for name, u in [("list", f"{docs}?limit=50"), ("read", f"{docs}/{last}/content")]:
        call("GET", u, doc); time.sleep(0.3)  # warm
        n0 = lines()
        for _ in range(N): call("GET", u, doc)
        time.sleep(0.5)
        got = stmts_since(n0)
        print(f"{name}: {len(got)/N:.1f} SQL statements per request (logged by sqlx::query)")
        if os.environ.get("QCOUNT_SHOW"):
            for l in got[:len(got)//N]: print("   ", re.sub(r"\x1b\[[0-9;]*m", "", l.strip())[:200])
finally:
    srv.terminate(); srv.wait()
