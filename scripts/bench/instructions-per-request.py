#!/usr/bin/env python3
"""Instructions per REST request under callgrind (stable under machine load): starts
`mds serve --demo` under valgrind --tool=callgrind, signs in as Dr Néa, deposits 3 PDFs in
Marie Wéa's record, then for each scenario zeroes the counters, issues N requests one after
the other, and dumps; prints total instructions (Ir, all threads) / N.
Usage: scripts/bench/instructions-per-request.py MDS_BINARY OUT_PREFIX [N]"""
import base64, hashlib, hmac, json, os, re, struct, subprocess, sys, tempfile, time, urllib.request

BIN, OUT = sys.argv[1], sys.argv[2]; N = int(sys.argv[3]) if len(sys.argv) > 3 else 50
DOCTOR, PATIENT, PW = "dr.nea@demo.mds.nc", "marie.wea@demo.mds.nc", "Demo-MDS-2026"

def totp(login):
    key = hashlib.sha256(f"mon-drive-sante-demo:{login}".encode()).digest()[:20]
    mac = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    o = mac[19] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)

def call(method, url, token=None, body=None, ctype=None):
    req = urllib.request.Request(url, data=body, method=method)
    if token: req.add_header("Authorization", f"Bearer {token}")
    if ctype: req.add_header("Content-Type", ctype)
    with urllib.request.urlopen(req, timeout=600) as r: return r.read()

data = tempfile.mkdtemp()
env = {k: v for k, v in os.environ.items() if not k.startswith("MDS_") or k == "MDS_DATABASE_URL"}
env.update(MDS_DATA_DIR=data, MDS_LISTEN="127.0.0.1:0", MDS_LOG_LEVEL="warn")
srv = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={OUT}.%p",
                        BIN, "serve", "--demo"], env=env, stdout=subprocess.PIPE,
                       stderr=open(OUT + ".valgrind.log", "w"), text=True)
url = None
for line in srv.stdout:
    m = re.search(r"écoute sur (\S+)", line)
    if m: url = m.group(1); break
def cg(*args): subprocess.run(["callgrind_control", *args, str(srv.pid)], check=True, capture_output=True)
try:
    login = lambda who: json.loads(call("POST", f"{url}/api/v1/auth/login", body=json.dumps(
        {"login": who, "password": PW, "totp_code": totp(who)}).encode(), ctype="application/json"))["token"]
    doc, pat = login(DOCTOR), login(PATIENT)
    pid = json.loads(call("GET", f"{url}/api/v1/records/mine", pat))["patient_id"]
    docs = f"{url}/api/v1/records/{pid}/documents"
    b = "cg-boundary"; last = None
    for i in range(3):
        pdf = b"%PDF-1.4\n%" + str(i).encode() * 100000 + b"\nstartxref\n9\n%%EOF\n"  # ~100 KB
        form = b""
        for k, v in [("type_code", "11488-4"), ("title", f"CR {i}"), ("act_date", "2026-11-20"), ("confirms_patient_informed", "true")]:
            form += f"--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode()
        form += f"--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cr.pdf\"\r\n\r\n".encode() + pdf + f"\r\n--{b}--\r\n".encode()
        last = json.loads(call("POST", docs, doc, form, f"multipart/form-data; boundary={b}"))["id"]
    for name, u in [("list", f"{docs}?limit=50"), ("read", f"{docs}/{last}/content")]:
        call("GET", u, doc)  # warm
        cg("-z")
        for _ in range(N): call("GET", u, doc)
        cg("-d", name)
    time.sleep(1)
finally:
    srv.terminate(); srv.wait()
for name in ["list", "read"]:
    files = [f for f in os.listdir(os.path.dirname(OUT) or ".") if f.startswith(os.path.basename(OUT) + ".") and not f.endswith(".log")]
    for f in sorted(files):
        path = os.path.join(os.path.dirname(OUT) or ".", f)
        head = open(path, errors="replace").read(4000)
        if f"Trigger: dump {name}" in head:
            ir = int(re.search(r"^summary: (\d+)", open(path, errors="replace").read(), re.M).group(1))
            print(f"{name}: {ir / N / 1e6:.2f} M instructions per request ({N} requests, {f})")
