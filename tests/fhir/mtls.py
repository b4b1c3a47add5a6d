"""A structure's software proved by a TLS client certificate instead of a token (issue 12,
item 5), against the real `mds` binary serving HTTPS itself with `tls.client_ca_file`.

A throwaway CA (the `cryptography` package) issues the server's certificate and the
software's; a second CA issues a rogue one. Support creates a credential (REST), registers
the certificate (`mds admin register-structure-keys --certificate`) and authorises the doctor
(CLI). Then, over real TLS: the patient and support still sign in without a certificate; the
software searches and reads as the doctor through fhirclient and requests (no bearer token);
a certificate of another CA, an expired one and an unregistered one of the right CA are
refused; a missing professional or two-factor assertion is refused with an OperationOutcome;
the patient's history names the software; once support revokes the certificate, the next
call is refused. Prints `N passed, M failed`."""

import argparse
import datetime
import ipaddress
import json
import os
import subprocess
import sys
import traceback

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from fhirclient.models.documentreference import DocumentReference as FcDocumentReference
from fhirclient.server import FHIRServer

from harness import Person, Server

MARIE_CAFAT, MARIE_BIRTH = "1234567", "1985-03-14"
DOCTOR, PATIENT, SUPPORT = "dr.nea@demo.mds.nc", "marie.wea@demo.mds.nc", "support@demo.mds.nc"
LABEL = "DPI à certificat du CHT"


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def key_usage(ca):
    return x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


class Authority:
    """A CA: its key and self-signed certificate; it issues end-entity certificates."""

    def __init__(self, cn):
        now = datetime.datetime.now(datetime.timezone.utc)
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.cert = (x509.CertificateBuilder().subject_name(name(cn)).issuer_name(name(cn))
                     .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                     .not_valid_before(now - datetime.timedelta(days=1))
                     .not_valid_after(now + datetime.timedelta(days=30))
                     .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                     .add_extension(key_usage(True), critical=True)
                     .sign(self.key, hashes.SHA256()))

    def issue(self, cn, server=False, expired=False):
        now = datetime.datetime.now(datetime.timezone.utc)
        key = ec.generate_private_key(ec.SECP256R1())
        start, end = (now - datetime.timedelta(days=3), now - datetime.timedelta(days=1)) if expired \
            else (now - datetime.timedelta(days=1), now + datetime.timedelta(days=10))
        usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
        b = (x509.CertificateBuilder().subject_name(name(cn)).issuer_name(self.cert.subject)
             .public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(start).not_valid_after(end)
             .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
             .add_extension(key_usage(False), critical=True)
             .add_extension(x509.ExtendedKeyUsage([usage]), critical=False))
        if server:
            b = b.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                critical=False)
        return key, b.sign(self.key, hashes.SHA256())


def write(directory, stem, key, cert):
    """Writes `stem.pem` (certificate) and `stem.key` (PKCS#8); returns both paths."""
    c, k = os.path.join(directory, stem + ".pem"), os.path.join(directory, stem + ".key")
    with open(c, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    if key is not None:
        with open(k, "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    return c, k


class Mtls:
    def __init__(self, binary, pg, directory):
        self.binary, self.dir = binary, directory
        ca, rogue = Authority("AC des logiciels de santé (test)"), Authority("AC inconnue (test)")
        self.ca_file, _ = write(directory, "ca", None, ca.cert)
        server_cert, server_key = write(directory, "server", *ca.issue("127.0.0.1", server=True))
        self.client = write(directory, "client", *ca.issue("DPI du CHT"))
        self.unregistered = write(directory, "unregistered", *ca.issue("DPI non enregistré"))
        self.expired = write(directory, "expired", *ca.issue("DPI expiré", expired=True))
        self.rogue = write(directory, "rogue", *rogue.issue("DPI d'une autre AC"))
        # requests (hence Person and fhirclient) trust the test CA for the server's certificate.
        os.environ["REQUESTS_CA_BUNDLE"] = self.ca_file
        self.s = Server(binary, pg, tls_env={"MDS_TLS_CERT_FILE": server_cert, "MDS_TLS_KEY_FILE": server_key,
                                             "MDS_TLS_CLIENT_CA_FILE": self.ca_file})

    def admin(self, command, *args):
        r = subprocess.run([self.binary, "admin", command, "--as", SUPPORT, *args], env=self.s.env,
                           capture_output=True, text=True)
        check(r.returncode == 0, f"mds admin {command}: {r.stderr or r.stdout}")
        return r.stdout

    def setup(self):
        """Sign-ins without a client certificate; the credential, its certificate and the
        doctor's authorisation."""
        self.doctor, self.support, self.patient = (Person(self.s, who) for who in (DOCTOR, SUPPORT, PATIENT))
        r = self.doctor.post("/api/v1/patients/search", {"cafat": MARIE_CAFAT, "birth_date": MARIE_BIRTH})
        self.marie = r.json()[0]["id"]
        me = self.doctor.get(f"/api/v1/professionals/{self.doctor.id}").json()
        structure = me["structure_ids"][0] if "structure_ids" in me else me["structures"][0]["id"]
        ends_on = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
        r = self.support.post(f"/api/v1/structures/{structure}/software-credentials", {"label": LABEL, "ends_on": ends_on})
        check(r.status_code == 201, r.text)
        self.credential = r.json()["credential"]["id"]
        keys = json.loads(self.admin("register-structure-keys", "--credential", self.credential,
                                     "--certificate", self.client[0]))
        check([(k["alg"], k["state"]) for k in keys] == [("x509", "active")], keys)
        self.key_id = keys[0]["id"]
        self.admin("authorise-professional", "--structure", structure, "--professional", self.doctor.id,
                   "--until", ends_on)
        self.acting = {"X-MDS-Professional": self.doctor.id, "X-MDS-Professional-Amr": "mfa"}
        self.search = f"{self.s.fhir}/DocumentReference?patient={self.marie}&_count=100"

    def get(self, url, cert, headers):
        return requests.get(url, cert=cert, headers=headers, timeout=30)

    def outcome(self, r, status):
        return r.status_code == status and r.headers.get("Content-Type", "").startswith("application/fhir+json") \
            and r.json()["resourceType"] == "OperationOutcome"

    def handshake_refused(self, cert):
        try:
            r = self.get(self.search, cert, self.acting)
        except (requests.exceptions.SSLError, requests.exceptions.ConnectionError):
            return True
        return f"answered {r.status_code}"

    def test_people_connect_without_a_certificate(self):
        r = self.patient.get(f"/api/v1/records/{self.marie}/documents?limit=100")
        check(r.status_code == 200 and r.json()["items"], r.text[:300])
        r = requests.get(self.s.url + "/healthz", timeout=30)
        check(r.status_code == 200, r.text)
        r = self.get(self.search, None, self.acting)
        check(self.outcome(r, 401), ("no certificate, no token", r.status_code, r.text))

    def test_the_certificate_stands_in_for_the_token(self):
        expected = [d["id"] for d in self.doctor.get(f"/api/v1/records/{self.marie}/documents?limit=100").json()["items"]]
        r = self.get(self.search, self.client, self.acting)
        check(r.status_code == 200, (r.status_code, r.text[:300]))
        found = [e["resource"]["id"] for e in r.json().get("entry", [])]
        check(found and found == expected, ("the software sees what its professional sees", found, expected))
        # fhirclient, its session holding the client certificate, reads one and its content.
        server = FHIRServer(None, base_uri=self.s.fhir)
        server.session.cert = self.client
        server.session.headers.update(self.acting)
        ref = FcDocumentReference.read(found[0], server)
        check(ref.id == found[0], ref.as_json())
        content = self.get(ref.content[0].attachment.url, self.client, self.acting)
        direct = self.doctor.get(f"/api/v1/records/{self.marie}/documents/{found[0]}/content")
        check(content.status_code == 200 and content.content == direct.content, (content.status_code, len(content.content)))
        # The REST API's software routes take the certificate too.
        r = self.get(f"{self.s.url}/api/v1/software/records/{self.marie}/documents", self.client, self.acting)
        check(r.status_code == 200, (r.status_code, r.text[:300]))
        # A bearer token wins over the certificate: the patient's own token reads as the patient.
        r = self.get(self.search, self.client, self.patient.auth)
        check(r.status_code == 200, (r.status_code, r.text[:300]))

    def test_what_the_software_must_still_say(self):
        r = self.get(self.search, self.client, {})
        check(self.outcome(r, 401), ("no professional named", r.status_code, r.text))
        r = self.get(self.search, self.client, {"X-MDS-Professional": self.doctor.id})
        check(self.outcome(r, 403), ("no two-factor assertion", r.status_code, r.text))

    def test_certificates_that_prove_nothing(self):
        for what, cert in (("another CA", self.rogue), ("expired", self.expired)):
            refused = self.handshake_refused(cert)
            check(refused is True, (what, refused))
        r = self.get(self.search, self.unregistered, self.acting)
        check(self.outcome(r, 401), ("a certificate of the CA that support did not register", r.status_code, r.text))

    def test_the_patient_reads_which_software_acted(self):
        r = self.patient.get(f"/api/v1/records/{self.marie}/history")
        check(r.status_code == 200, r.text[:300])
        lines = [line for line in r.text.split('"') if "Néa, médecin, via le logiciel de Centre hospitalier" in line]
        check(any("a recherché des documents de votre dossier" in line for line in lines)
              and any("a consulté le document" in line for line in lines),
              ("the doctor via the structure's software, in the history", lines[:5]))

    def test_revoked_at_once(self):
        self.admin("revoke-structure-key", self.key_id)
        r = self.get(self.search, self.client, self.acting)
        check(self.outcome(r, 401), ("revoked certificate", r.status_code, r.text))
        r = self.support.get(f"/api/v1/audit?actor_id={self.credential}&limit=1000")
        rules = [e.get("rule") for e in r.json() if e["outcome"] == "deny"]
        check("software.certificate_revoked" in rules, rules)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--pg", help="PostgreSQL admin URL: run on a fresh database there")
    ap.add_argument("--dir", required=True, help="a directory for the certificates")
    args = ap.parse_args()
    backend = "PostgreSQL" if args.pg else "SQLite"
    suite = Mtls(args.bin, args.pg, args.dir)
    passed = failed = 0
    try:
        suite.setup()
        order = ["test_people_connect_without_a_certificate", "test_the_certificate_stands_in_for_the_token",
                 "test_what_the_software_must_still_say", "test_certificates_that_prove_nothing",
                 "test_the_patient_reads_which_software_acted", "test_revoked_at_once"]
        tests = [t for t in dir(Mtls) if t.startswith("test_")]
        check(sorted(order) == sorted(tests), f"every test is run: {tests}")
        for name_ in order:
            try:
                getattr(suite, name_)()
                passed += 1
                print(f"ok   {backend} mTLS {name_}", flush=True)
            except Exception:  # noqa: BLE001
                failed += 1
                print(f"FAIL {backend} mTLS {name_}\n{traceback.format_exc()}", flush=True)
    except Exception:  # noqa: BLE001
        failed += 1
        print(f"FAIL {backend} mTLS setup\n{traceback.format_exc()}", flush=True)
    finally:
        suite.s.stop()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
