#!/usr/bin/env python3
"""Prepares the REST scenarios of scripts/bench/wrk.sh against a running `mds serve --demo`:
signs Dr Néa (a care-team doctor) in with the current code of her demo login, deposits
DEPOSITS unique ~100 KB PDFs in Marie Wéa's record, and writes into OUT:
  token      the doctor's bearer token
  list.txt   the list path(s)  (GET, 50 per page)
  read.txt   the content path(s) of the deposited documents (GET)
  add.txt    the deposit path(s) (POST)
  fhir_list.txt, fhir_read.txt  the same searches (ITI-67) and contents (ITI-68) through FHIR
  fhir_add.txt  the patient id(s) to feed through FHIR (ITI-65, POST /fhir)
With --sample FILE (one patient id per line, records where the bench doctor is in the care
team, as written by `mds bench seed`), the paths cover those records instead: one unique
~100 KB PDF is deposited in each (so that the read scenario reads the same size as on the
small dataset), a record seeded with fewer documents is topped up to 50 with more of them
(so that the list reads 50 rows whatever --documents-per-patient was), and the list pages
show the record's first 50 documents.
Usage: wrk_setup.py URL MDS_BINARY OUT [--deposits 50] [--sample FILE]
The MDS_* environment of the server must be set (the binary reads the demo TOTP secret)."""
import argparse, json, os, subprocess, sys, urllib.request, uuid

DOCTOR = "dr.nea@demo.mds.nc"
PATIENT = "marie.wea@demo.mds.nc"
PASSWORD = "Demo-MDS-2026"


def call(method, url, token=None, body=None, content_type="application/json"):
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", content_type)
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, json.loads(r.read() or b"null")


def login(url, binary, login_name):
    code = subprocess.run([binary, "demo", "code", login_name], check=True,
                          capture_output=True, text=True).stdout.strip()
    status, body = call("POST", url + "/api/v1/auth/login",
                        body={"login": login_name, "password": PASSWORD, "totp_code": code})
    if status != 200 or "token" not in body:
        sys.exit(f"wrk_setup: login {login_name} failed: {status} {body}")
    return body["token"]


def pdf(n):
    head = b"%PDF-1.4\n%" + f"setup-{n}-{uuid.uuid4()}\n".encode()
    line = b"% padding for the hundred kilobyte benchmark document, not shown\n"
    body = line * (100 * 1024 // len(line))
    return head + body + b"trailer << >>\nstartxref\n9\n%%EOF\n"


def form(content):
    boundary = "mdssetup" + uuid.uuid4().hex
    parts = []
    for name, value in [("type_code", "11488-4"), ("title", "Compte rendu (banc d'essai)"),
                        ("act_date", "2026-11-20"), ("confirms_patient_informed", "true")]:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="cr.pdf"\r\n'
                 'Content-Type: application/pdf\r\n\r\n'.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), "multipart/form-data; boundary=" + boundary


def main():
    p = argparse.ArgumentParser()
    p.add_argument("url"); p.add_argument("binary"); p.add_argument("out")
    p.add_argument("--deposits", type=int, default=50)
    p.add_argument("--sample")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    doctor = login(a.url, a.binary, DOCTOR)
    lists, reads, adds, patients = [], [], [], []
    if a.sample:
        with open(a.sample) as f:
            records = [l.strip() for l in f if l.strip()]
        for n, pid in enumerate(records):
            docs = f"/api/v1/records/{pid}/documents"
            lists.append(docs + "?limit=50")
            adds.append(docs)
            body, ctype = form(pdf(1_000_000 + n))
            status, doc = call("POST", a.url + docs, doctor, body, ctype)
            if status != 201:
                sys.exit(f"wrk_setup: deposit in sampled record {pid} answered {status}")
            reads.append(f"{docs}/{doc['id']}/content")
            patients.append(pid)
            _, page = call("GET", a.url + docs + "?limit=50", doctor)
            for k in range(50 - len(page["items"])):
                body, ctype = form(pdf(2_000_000 + 50 * n + k))
                status, _ = call("POST", a.url + docs, doctor, body, ctype)
                if status != 201:
                    sys.exit(f"wrk_setup: top-up deposit in sampled record {pid} answered {status}")
            _, page = call("GET", a.url + docs + "?limit=50", doctor)
            if len(page["items"]) != 50:
                sys.exit(f"wrk_setup: sampled record {pid} lists {len(page['items'])} documents, not 50")
    else:
        patient = login(a.url, a.binary, PATIENT)
        _, mine = call("GET", a.url + "/api/v1/records/mine", patient)
        docs = f"/api/v1/records/{mine['patient_id']}/documents"
        for n in range(a.deposits):
            body, ctype = form(pdf(n))
            status, doc = call("POST", a.url + docs, doctor, body, ctype)
            if status != 201:
                sys.exit(f"wrk_setup: deposit {n} answered {status}")
            reads = [f"{docs}/{doc['id']}/content"]  # the last one, as the scenario
        _, page = call("GET", a.url + docs + "?limit=50", doctor)
        if len(page["items"]) != 50:
            sys.exit(f"wrk_setup: expected 50 documents listed, got {len(page['items'])}")
        lists, adds, patients = [docs + "?limit=50"], [docs], [mine["patient_id"]]
    if not reads:
        sys.exit("wrk_setup: no document to read in the sample")
    fhir_lists = [f"/fhir/DocumentReference?patient={p}&_count=50" for p in patients]
    fhir_reads = ["/fhir/Binary/" + r.split("/")[-2] for r in reads]
    for path in fhir_lists[:1]:
        status, bundle = call("GET", a.url + path, doctor)
        if status != 200 or len(bundle.get("entry", [])) != 50:
            sys.exit(f"wrk_setup: FHIR search {path} answered {status}, "
                     f"{len(bundle.get('entry', []))} entries, not 50")
    for name, paths in [("list.txt", lists), ("read.txt", reads), ("add.txt", adds),
                        ("fhir_list.txt", fhir_lists), ("fhir_read.txt", fhir_reads),
                        ("fhir_add.txt", patients)]:
        with open(os.path.join(a.out, name), "w") as f:
            f.write("\n".join(paths) + "\n")
    with open(os.path.join(a.out, "token"), "w") as f:
        f.write(doctor)


if __name__ == "__main__":
    main()
