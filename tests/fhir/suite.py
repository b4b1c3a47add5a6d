"""The FHIR suite: real FHIR clients (fhirpy, async; fhirclient) against the real `mds`
binary, on SQLite or PostgreSQL (`--pg ADMIN_URL`). It feeds a record (ITI-65), searches it
following next pages (ITI-67), retrieves contents compared by SHA-256 (ITI-68), replaces and
deletes documents, searches and creates patients (ITI-78), reads the history (AuditEvent),
reads the health profile (AllergyIntolerance, MedicationStatement, Immunization, Observation,
RelatedPerson),
acts as a structure's software (SMART Backend Services: ES256 assertion, access token),
runs the access-matrix cases against the REST API, a cross-patient sweep, bad input — then
validates every FHIR JSON answer it received with fhir.resources (R4B) and fhirclient (R4).
Prints one closing line, `N passed, M failed`."""

import argparse
import asyncio
import base64
import datetime
import hashlib
import json
import os
import subprocess
import sys
import time
import traceback
import uuid

import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from fhir.resources.R4B import get_fhir_model_class
from fhirclient.models.bundle import Bundle as FcBundle
from fhirclient.models.binary import Binary as FcBinary
from fhirclient.models.documentreference import DocumentReference as FcDocumentReference
from fhirclient.models.observation import Observation as FcObservation
from fhirclient.models.fhirelementfactory import FHIRElementFactory
from fhirclient.models.patient import Patient as FcPatient
from fhirclient.server import FHIRServer
from fhirpy import AsyncFHIRClient

from bundles import change, created_ids, cda_doc, pdf_bytes, pdf_doc, search_ids, submission, text_doc
from harness import CAFAT, Person, Server

MARIE_CAFAT, CELINE_CAFAT, JOSEPH_CAFAT = "1234567", "2345678", "7654321"
# The health profile's resources (read-only, searched by record).
PROFILE_TYPES = ("AllergyIntolerance", "MedicationStatement", "Immunization", "Observation", "RelatedPerson")
LOGINS = {
    "patient": "marie.wea@demo.mds.nc", "other_patient": "celine.dk@demo.mds.nc",
    "doctor": "dr.nea@demo.mds.nc", "regulator": "dr.wamytan@demo.mds.nc",
    "nurse": "inf.kaloi@demo.mds.nc", "pharmacist": "ph.leroux@demo.mds.nc",
    "biologist": "bio.tein@demo.mds.nc", "psychologist": "psy.hnawia@demo.mds.nc",
    "assistant": "sec.tiaou@demo.mds.nc", "support": "support@demo.mds.nc",
}


def new_patient(cafat, family, given):
    """A Patient to create: born in Nouméa in 1975, checked in person."""
    return {
        "identifier": [{"system": CAFAT, "value": cafat}],
        "name": [{"use": "official", "family": family, "given": [given]}],
        "birthDate": "1975-08-09", "gender": "female",
        "extension": [
            {"url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace", "valueAddress": {
                "extension": [{"url": "https://mondrivesante.nc/fhir/StructureDefinition/insee-code", "valueString": "98818"}]}},
            {"url": "https://mondrivesante.nc/fhir/StructureDefinition/creation-attestation", "extension": [
                {"url": "identity-document-checked", "valueBoolean": True},
                {"url": "cafat-card-checked", "valueBoolean": True},
                {"url": "consent-signed", "valueBoolean": True},
                {"url": "informed-of-rights", "valueBoolean": True}]}]}


def sha(b):
    return hashlib.sha256(b).hexdigest()


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def check(cond, what):
    if not cond:
        raise AssertionError(what)


class Suite:
    def __init__(self, server):
        self.s = server
        self.p = {name: Person(server, login) for name, login in LOGINS.items()}
        doctor = self.p["doctor"]
        self.ids = {}
        for name, cafat, birth in [("marie", MARIE_CAFAT, "1985-03-14"), ("celine", CELINE_CAFAT, "1990-11-30"),
                                   ("joseph", JOSEPH_CAFAT, "1952-07-02")]:
            r = doctor.post("/api/v1/patients/search", {"cafat": cafat, "birth_date": birth})
            self.ids[name] = r.json()[0]["id"]

    # Clients ------------------------------------------------------------------------------
    def fhirpy(self, who, extra=None):
        return AsyncFHIRClient(self.s.fhir, authorization=f"Bearer {self.p[who].token}", extra_headers=extra)

    def fhirclient(self, who):
        server = FHIRServer(None, base_uri=self.s.fhir)
        server.session.headers["Authorization"] = f"Bearer {self.p[who].token}"
        return server

    def rest_ids(self, who, patient):
        r = self.p[who].get(f"/api/v1/records/{patient}/documents?limit=100")
        return [d["id"] for d in r.json()["items"]] if r.status_code == 200 else None

    def doc_count(self, patient):
        """Current documents of the record, whoever may see them (support's count is not
        available: the store is behind the API, so the doctor's and the patient's views are
        united)."""
        ids = set()
        for who in ("doctor", "patient"):
            ids |= set(self.rest_ids(who, patient) or [])
        return len(ids)

    # ITI-65 / 67 / 68 ---------------------------------------------------------------------
    def test_metadata(self):
        server = self.fhirclient("doctor")
        cap = server.request_json("metadata")
        check(cap["resourceType"] == "CapabilityStatement", cap)
        inst = " ".join(cap["instantiates"])
        for actor in ("IHE.MHD.DocumentRecipient", "IHE.MHD.DocumentResponder", "IHE.PDQm.Supplier"):
            check(actor in inst, inst)
        check(requests.get(self.s.fhir + "/metadata?_format=xml").status_code == 406, "XML answers 406")

    def test_feed_search_retrieve_fhirpy(self):
        asyncio.run(self._fhirpy_flow())

    async def _fhirpy_flow(self):
        client = self.fhirpy("doctor")
        marie = self.ids["marie"]
        docs = [text_doc("Compte rendu fhirpy"), pdf_doc("Lettre fhirpy"), cda_doc("Bilan CDA fhirpy")]
        resp = await client.execute("", method="post", data=submission(marie, docs))
        check(resp["type"] == "transaction-response", resp)
        ids = created_ids(resp)
        check(len(ids) == 3, resp)
        # ITI-67, two per page, every next page followed.
        found = [r["id"] for r in await client.resources("DocumentReference").search(patient=marie).limit(2).fetch_all()]
        check(found == self.rest_ids("doctor", marie), (found, self.rest_ids("doctor", marie)))
        first = await client.resources("DocumentReference").search(patient=marie).limit(2).fetch_raw()
        check(any(l["relation"] == "next" for l in first["link"]), "a next page")
        # By the CAFAT identifier.
        by_id = await client.resources("DocumentReference").search(**{"patient.identifier": f"{CAFAT}|{MARIE_CAFAT}"}).limit(100).fetch_all()
        check(set(ids) <= {r["id"] for r in by_id}, "found by identifier")
        # ITI-68: raw bytes by attachment.url, and as a FHIR Binary.
        for id_, d in zip(ids, docs):
            ref = await client.get("DocumentReference", id_)
            url = ref["content"][0]["attachment"]["url"]
            raw = requests.get(url, headers={**self.p["doctor"].auth, "Accept": "*/*"})
            check(raw.status_code == 200 and sha(raw.content) == sha(d["content"]), f"ITI-68 raw {id_}")
            check(raw.headers["Content-Type"].startswith(d["content_type"]), raw.headers["Content-Type"])
            b = await client.get("Binary", id_)
            check(sha(base64.b64decode(b["data"])) == sha(d["content"]), f"ITI-68 Binary {id_}")
        # Replace, then delete through ITI-65 (entered-in-error) and DELETE.
        v2 = text_doc("Compte rendu fhirpy v2")
        v2["replaces"] = ids[0]
        resp = await client.execute("", method="post", data=submission(marie, [v2]))
        new = created_ids(resp)[0]
        listed = self.rest_ids("doctor", marie)
        check(new in listed and ids[0] not in listed, "replaced")
        await client.execute("", method="post", data=change(ids[1], "entered-in-error"))
        await client.delete("DocumentReference", new)
        listed = self.rest_ids("doctor", marie)
        check(ids[1] not in listed and new not in listed, "deleted")
        gone = self.p["doctor"].get(f"/fhir/Binary/{new}")
        check(gone.status_code == 404, "deleted content is gone")

    def test_feed_search_retrieve_fhirclient(self):
        server = self.fhirclient("biologist")
        marie = self.ids["marie"]
        docs = [text_doc("Bilan biologique fhirclient", type_code="11502-2"), pdf_doc("Annexe fhirclient")]
        resp = server.post_json("", submission(marie, docs)).json()
        FcBundle(resp)  # strict R4 parse
        ids = created_ids(resp)
        check(len(ids) == 2, resp)
        # The biologist has no access: only the documents they deposited are theirs to read.
        for id_, d in zip(ids, docs):
            ref = FcDocumentReference.read(id_, server)
            check(ref.content[0].attachment.contentType == d["content_type"], ref.as_json())
            b = FcBinary.read(id_, server)
            check(sha(base64.b64decode(b.data)) == sha(d["content"]), f"Binary {id_}")
        # The doctor, in the care team, pages with fhirclient.
        doctor = self.fhirclient("doctor")
        search = FcDocumentReference.where(struct={"patient": marie, "_count": "2"})
        found = [r.id for r in search.perform_resources_iter(doctor)]
        check(found == self.rest_ids("doctor", marie), (found, self.rest_ids("doctor", marie)))
        check(set(ids) <= set(found), "the biologist's documents are listed for the doctor")
        # The depositor deletes one with fhirclient.
        FcDocumentReference.read(ids[1], server).delete()
        check(ids[1] not in self.rest_ids("doctor", marie), "deleted by fhirclient")

    def test_patients_iti78(self):
        server = self.fhirclient("doctor")
        search = FcPatient.where(struct={"identifier": f"{CAFAT}|{MARIE_CAFAT}", "birthdate": "1985-03-14"})
        found = list(search.perform_resources_iter(server))
        check(len(found) == 1 and found[0].id == self.ids["marie"], [p.as_json() for p in found])
        check(found[0].identifier[0].value == MARIE_CAFAT and found[0].gender == "female", found[0].as_json())
        asyncio.run(self._fhirpy_patients())

    async def _fhirpy_patients(self):
        client = self.fhirpy("doctor")
        found = await client.resources("Patient").search(family="Wéa", given="Marie", birthdate="1985-03-14", gender="female").fetch()
        check([p["id"] for p in found] == [self.ids["marie"]], found)
        new = client.resource("Patient", **new_patient("555301", "Wakolo", "Rose"))
        await new.save()
        check(new["id"], "created")
        again = await client.resources("Patient").search(identifier=f"{CAFAT}|555301", birthdate="1975-08-09").fetch()
        check([p["id"] for p in again] == [new["id"]], again)
        # A near identity is held for review: 202 and an OperationOutcome.
        r = self.p["doctor"].post("/fhir/Patient", {"resourceType": "Patient", **new_patient("555302", "Wakollo", "Rose")})
        check(r.status_code == 202 and r.json()["resourceType"] == "OperationOutcome", r.text)

    def test_audit_events(self):
        asyncio.run(self._audit_events())

    async def _audit_events(self):
        client = self.fhirpy("patient")
        marie = self.ids["marie"]
        page = await client.resources("AuditEvent").search(patient=f"Patient/{marie}").limit(5).fetch_raw()
        events = [e["resource"] for e in page["entry"]]
        check(len(events) == 5, page)
        check(events[0]["subtype"][1]["code"] == "history.read", events[0])
        nxt = [l["url"] for l in page["link"] if l["relation"] == "next"]
        check(nxt, "a next page")
        r = requests.get(nxt[0], headers=self.p["patient"].auth)
        check(r.status_code == 200 and r.json()["entry"], r.text)
        other = self.p["other_patient"].get(f"/fhir/AuditEvent?patient=Patient/{marie}")
        check(other.status_code == 404, other.text)

    def test_health_profile(self):
        asyncio.run(self._health_profile())

    async def _health_profile(self):
        """The patient and the care team's doctor fill the profile through REST; the doctor
        searches each of its five resource types (fhirpy, and fhirclient for one), and every
        resource validates against the R4B (fhir.resources) and R4 (fhirclient) models."""
        marie = self.ids["marie"]
        entries = f"/api/v1/records/{marie}/profile/entries"
        today = datetime.date.today().isoformat()
        for who, entry in [
            ("patient", {"kind": "allergy", "substance": "Pénicilline", "severity": "severe", "reaction": "Urticaire"}),
            ("patient", {"kind": "treatment", "medication": "Metformine", "dosage": "1 g matin et soir", "since": "2020-01-02"}),
            ("patient", {"kind": "contact", "role": "trusted_person", "name": "Paul Wéa", "relation": "Frère", "phone": "+687 12 34 56"}),
            ("patient", {"kind": "contact", "role": "emergency_contact", "name": "Anne Wéa"}),
            ("patient", {"kind": "condition", "name": "Asthme"}),
            ("patient", {"kind": "vaccination", "vaccine": "Grippe saisonnière", "on": "2024-10-01"}),
            ("doctor", {"kind": "measurement", "quantity": "weight", "value": 72.5, "on": today}),
            ("doctor", {"kind": "measurement", "quantity": "blood_pressure", "value": 130, "second": 80, "on": today}),
            ("doctor", {"kind": "measurement", "quantity": "glucose", "value": 1.05, "on": today}),
            ("doctor", {"kind": "vaccination", "vaccine": "DTP", "on": today, "lot": "A12"}),
        ]:
            r = self.p[who].post(entries, entry)
            check(r.status_code == 201, (who, entry, r.status_code, r.text))
        refused = self.p["doctor"].post(entries, {"kind": "allergy", "substance": "Latex", "severity": "mild"})
        check(refused.status_code == 403, refused.text)

        client = self.fhirpy("doctor")
        found = {}
        for kind in PROFILE_TYPES:
            resources = await client.resources(kind).search(patient=f"Patient/{marie}").fetch_all()
            found[kind] = [r.serialize() for r in resources]
            for data in found[kind]:
                check(data["resourceType"] == kind, data)
                get_fhir_model_class(kind).model_validate(data)
                FHIRElementFactory.instantiate(kind, data)
        counts = {k: len(v) for k, v in found.items()}
        check(counts == {"AllergyIntolerance": 1, "MedicationStatement": 1, "Immunization": 2,
                         "Observation": 3, "RelatedPerson": 2}, counts)
        loinc = {o["code"]["coding"][0]["code"] for o in found["Observation"]}
        check(loinc == {"29463-7", "85354-9", "2339-0"}, loinc)
        weight = next(o for o in found["Observation"] if o["code"]["coding"][0]["code"] == "29463-7")
        check(weight["valueQuantity"] == {"value": 72.5, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}, weight)
        check(found["AllergyIntolerance"][0]["code"]["text"] == "Pénicilline", found["AllergyIntolerance"])
        check("Asthme" not in json.dumps(found, ensure_ascii=False), "conditions have no resource")
        # fhirclient, the other client, reads the same vaccinations.
        server = self.fhirclient("doctor")
        bundle = server.request_json(f"Immunization?patient={marie}")
        check(FcBundle(bundle).total == 2, bundle)
        # Read by id, with both clients: the resource the search gave.
        read = FcObservation.read(weight["id"], server)
        check(read.as_json() == weight, (read.as_json(), weight))
        again = await client.reference("Observation", weight["id"]).to_resource()
        check(again.serialize() == weight, again.serialize())
        # Read-only; and a professional without access gets the uniform not-found.
        r = self.p["doctor"].post("/fhir/Observation", {"resourceType": "Observation"})
        check(r.status_code == 405, r.text)
        r = self.p["nurse"].get(f"/fhir/AllergyIntolerance?patient={marie}")
        check(r.status_code == 404 and r.json()["issue"][0]["code"] == "not-found", r.text)

    def test_patient_reads_assistant_provides(self):
        marie = self.ids["marie"]
        patient = self.fhirclient("patient")
        found = [r.id for r in FcDocumentReference.where(struct={"patient": marie}).perform_resources_iter(patient)]
        check(found == self.rest_ids("patient", marie), "the patient's own list")
        raw = self.p["patient"].get(f"/fhir/Binary/{found[0]}")
        check(raw.status_code == 200, raw.text)
        a = self.p["assistant"]
        r = a.post("/fhir", submission(marie, [text_doc("Courrier du secrétariat")]))
        check(r.status_code == 200, r.text)
        new = created_ids(r.json())[0]
        for path in (f"/fhir/DocumentReference?patient={marie}", f"/fhir/Binary/{new}", f"/fhir/DocumentReference/{new}"):
            r = a.get(path)
            check(r.status_code == 404 and r.json()["issue"][0]["code"] == "not-found", (path, r.text))

    def test_structure_software(self):
        """SMART Backend Services, end to end: support creates a credential with an end date,
        registers the software's public key (CLI) and authorises the doctor (CLI); the
        software signs an ES256 assertion, gets an access token at /fhir/auth/token, and
        searches and reads as the doctor, asserting their two-factor sign-in."""
        doctor, support = self.p["doctor"], self.p["support"]
        marie = self.ids["marie"]
        me = doctor.get(f"/api/v1/professionals/{doctor.id}").json()
        structure = me["structure_ids"][0] if "structure_ids" in me else me["structures"][0]["id"]
        ends_on = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
        r = support.post(f"/api/v1/structures/{structure}/software-credentials",
                         {"label": "DPI du suite FHIR", "ends_on": ends_on})
        check(r.status_code == 201, r.text)
        client_id, secret = r.json()["credential"]["id"], r.json()["token"]
        check(secret and secret.startswith("mds-sw-"), r.text)

        # The software's key pair: only the public JWK is registered, by support (CLI).
        key = ec.generate_private_key(ec.SECP256R1())
        kid = "suite-fhir-es256"
        numbers = key.public_key().public_numbers()
        jwk = {"kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
               "x": b64url(numbers.x.to_bytes(32, "big")), "y": b64url(numbers.y.to_bytes(32, "big"))}
        jwks = os.path.join(self.s.dir, "software-jwks.json")
        with open(jwks, "w") as f:
            json.dump({"keys": [jwk]}, f)
        keys = json.loads(self.admin("register-structure-keys", "--credential", client_id, "--jwks", jwks))
        check([(k["kid"], k["alg"], k["state"]) for k in keys] == [(kid, "ES256", "active")], keys)

        token_url = self.s.url + "/fhir/auth/token"

        def assertion(jti):
            now = int(time.time())
            header = {"alg": "ES256", "kid": kid, "typ": "JWT"}
            claims = {"iss": client_id, "sub": client_id, "aud": token_url, "jti": jti,
                      "iat": now, "exp": now + 240}
            signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
            r_, s_ = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
            return signing_input + "." + b64url(r_.to_bytes(32, "big") + s_.to_bytes(32, "big"))

        def token_request(signed):
            return requests.post(token_url, data={
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": signed,
                "scope": "system/DocumentReference.rs system/Binary.r"})

        signed = assertion(str(uuid.uuid4()))
        r = token_request(signed)
        check(r.status_code == 200 and r.headers.get("Cache-Control") == "no-store", (r.status_code, r.text))
        t = r.json()
        check(t["token_type"] == "bearer" and t["access_token"].startswith("mds-at-")
              and 0 < t["expires_in"] <= 300 and t["scope"] == "system/DocumentReference.rs system/Binary.r", t)
        access = t["access_token"]
        # A replayed assertion (same jti) is refused.
        r = token_request(signed)
        check(r.status_code == 401 and r.json()["error"] == "invalid_client", (r.status_code, r.text))

        headers = {"X-MDS-Professional": doctor.id, "X-MDS-Professional-Amr": "mfa"}
        search_path = f"/fhir/DocumentReference?patient={marie}&_count=100"

        def raw_search(bearer, extra):
            return requests.get(self.s.url + search_path, headers={"Authorization": f"Bearer {bearer}", **extra})

        def outcome(resp, status):
            return resp.status_code == status \
                and resp.headers.get("Content-Type", "").startswith("application/fhir+json") \
                and resp.json()["resourceType"] == "OperationOutcome"

        # The doctor is not yet on the structure's list of authorised professionals.
        r = raw_search(access, headers)
        check(outcome(r, 403), (r.status_code, r.text))
        self.admin("authorise-professional", "--structure", structure, "--professional", doctor.id, "--until", ends_on)

        async def search(bearer):
            client = AsyncFHIRClient(self.s.fhir, authorization=f"Bearer {bearer}", extra_headers=headers)
            return await client.resources("DocumentReference").search(patient=marie).limit(100).fetch_all()

        expected = self.rest_ids("doctor", marie)
        found = [d["id"] for d in asyncio.run(search(access))]
        check(found and found == expected, ("software sees what its professional sees", found, expected))
        # fhirclient reads one, with the same token and headers.
        server = FHIRServer(None, base_uri=self.s.fhir)
        server.session.headers.update({"Authorization": f"Bearer {access}", **headers})
        ref = FcDocumentReference.read(found[0], server)
        check(ref.id == found[0] and ref.subject and (ref.subject.reference or "").endswith(marie), ref.as_json())
        # Without the two-factor assertion: refused.
        r = raw_search(access, {"X-MDS-Professional": doctor.id})
        check(outcome(r, 403), (r.status_code, r.text))
        # The credential's secret still works, with the same headers.
        found = [d["id"] for d in asyncio.run(search(secret))]
        check(found == expected, ("with the credential secret", found, expected))

    def admin(self, command, *args):
        """`mds admin <command> --as <support> ...` on the server's data directory and database."""
        r = subprocess.run([self.s.binary, "admin", command, "--as", LOGINS["support"], *args], env=self.s.env,
                           capture_output=True, text=True)
        check(r.returncode == 0, f"mds admin {command}: {r.stderr or r.stdout}")
        return r.stdout

    # Bad input ---------------------------------------------------------------------------
    def test_bad_input(self):
        marie = self.ids["marie"]
        doctor = self.p["doctor"]
        good = submission(marie, [text_doc("Bon")])
        cases = []
        b = json.loads(json.dumps(good)); b["type"] = "batch"
        cases.append(("not a transaction", b, 400))
        cases.append(("wrong resourceType", {"resourceType": "Patient"}, 400))
        b = json.loads(json.dumps(good)); b["entry"][1]["resource"]["content"][0]["attachment"]["url"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
        cases.append(("unresolved urn:uuid", b, 400))
        liar = text_doc("Pas une image"); liar["content_type"] = "image/png"
        cases.append(("bytes not of the declared type", submission(marie, [liar]), 422))
        big = text_doc("30 Mo"); big.update(content_type="application/pdf", content=pdf_bytes("a" * (30 * 1024 * 1024)))
        cases.append(("30 MB Binary", submission(marie, [big]), 413))
        dtd = text_doc("CDA"); dtd.update(content_type="application/xml", content=b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><ClinicalDocument>&e;</ClinicalDocument>')
        cases.append(("CDA with a DTD", submission(marie, [dtd]), 422))
        before = (self.doc_count(marie), self.s.vault_objects())
        failures = []
        for name, body, status in cases:
            r = doctor.post("/fhir", body)
            ok = r.status_code == status and r.headers.get("Content-Type", "").startswith("application/fhir+json") \
                and r.json()["resourceType"] == "OperationOutcome"
            if not ok:
                failures.append(f"{name}: {r.status_code} {r.text[:300]}")
        r = requests.post(self.s.fhir, data=b'{"resourceType": "Bundle",',
                          headers={**doctor.auth, "Content-Type": "application/fhir+json"})
        if r.status_code != 400 or r.json()["resourceType"] != "OperationOutcome":
            failures.append(f"malformed JSON: {r.status_code} {r.text[:200]}")
        after = (self.doc_count(marie), self.s.vault_objects())
        if after != before:
            failures.append(f"something was stored: {before} → {after}")
        check(not failures, "\n".join(failures))

    # Cross-patient sweep -----------------------------------------------------------------
    def denied_since(self, actor_id, seq):
        r = self.p["support"].get(f"/api/v1/audit?actor_id={actor_id}&after_seq={seq}&limit=1000")
        events = r.json()
        return any(e["outcome"] == "deny" for e in events), max([seq] + [e["seq"] for e in events])

    def test_cross_patient_sweep(self):
        marie, celine = self.ids["marie"], self.ids["celine"]
        celine_doc = self.rest_ids("other_patient", celine)[0]
        marie_doc = self.rest_ids("doctor", marie)[0]

        def interactions(p, c, d):
            return [
                ("GET", f"/fhir/DocumentReference?patient={p}", None),
                ("GET", f"/fhir/DocumentReference?patient.identifier={CAFAT}|{c}", None),
                ("GET", f"/fhir/DocumentReference/{d}", None),
                ("GET", f"/fhir/Binary/{d}", None),
                ("DELETE", f"/fhir/DocumentReference/{d}", None),
                ("POST", "/fhir", submission(p, [dict(text_doc("Intrus"), replaces=d)])),
                ("POST", "/fhir", change(d, "entered-in-error")),
                ("POST", "/fhir", change(d, "current", ["MASQUE_PS"])),
                ("GET", f"/fhir/AuditEvent?patient=Patient/{p}", None),
            ] + [("GET", f"/fhir/{t}?patient=Patient/{p}", None) for t in PROFILE_TYPES]

        failures = []
        seqs = {}
        for who, p, c, d in [("patient", celine, CELINE_CAFAT, celine_doc),
                             ("nurse", marie, MARIE_CAFAT, marie_doc),
                             ("doctor", "00000000-0000-4000-8000-000000000000", "999999", celine_doc)]:
            person = self.p[who]
            _, seqs[who] = self.denied_since(person.id, 0)
            for method, path, body in interactions(p, c, d):
                if who != "patient" and path.startswith("/fhir/AuditEvent"):
                    continue  # professionals read no history: compared with REST in the matrix
                if method == "GET":
                    r = person.get(path)
                elif method == "DELETE":
                    r = person.delete(path)
                else:
                    r = person.post(path, body)
                denied, seqs[who] = self.denied_since(person.id, seqs[who])
                ok = r.status_code == 404 and r.json()["issue"][0]["code"] == "not-found" and denied
                if not ok:
                    failures.append(f"{who} {method} {path}: {r.status_code} {r.text[:200]} (denial audited: {denied})")
        check(not failures, "\n".join(failures))

    # The access matrix, FHIR against REST ------------------------------------------------
    def answers_rest(self, who, p, docs):
        person = self.p[who]
        listed = self.rest_ids(who, p)
        reads = [person.get(f"/api/v1/records/{p}/documents/{d}/content").status_code == 200 for d in docs]
        r = person.upload(f"/api/v1/records/{p}/documents",
                          {"type_code": "11488-4", "title": "Ajout REST", "act_date": "2026-11-21",
                           "confirms_patient_informed": "true"}, text_doc("REST")["content"])
        add = "ok" if r.ok else r.json()["error"]["code"]
        return listed, reads, add

    def answers_fhir(self, who, p, docs):
        person = self.p[who]
        r = person.get(f"/fhir/DocumentReference?patient={p}&_count=100")
        listed = search_ids(r.json()) if r.status_code == 200 else None
        reads = [person.get(f"/fhir/Binary/{d}").status_code == 200 for d in docs]
        r = person.post("/fhir", submission(p, [text_doc("Ajout FHIR")]))
        add = "ok" if r.ok else r.json()["issue"][0]["details"]["coding"][0]["code"]
        return listed, reads, add

    def compare(self, case, who, patient, failures):
        p = self.ids[patient]
        docs = sorted(set(self.rest_ids("doctor", p) or []) | set(self.rest_ids("patient", p) or [])
                      | set(self.rest_ids("other_patient", p) or []))
        f = self.answers_fhir(who, p, docs)
        r = self.answers_rest(who, p, docs)
        r_list = None if r[0] is None else [i for i in r[0] if f[0] is None or i in f[0] or i in docs]
        if (f[0], f[1], f[2]) != (r_list, r[1], r[2]):
            failures.append(f"{case} ({who}): FHIR {f} ≠ REST {(r_list, r[1], r[2])}")
        return f

    def test_access_matrix(self):
        failures = []
        marie, celine, joseph = self.ids["marie"], self.ids["celine"], self.ids["joseph"]
        self.compare("care team", "doctor", "marie", failures)
        self.compare("no access", "nurse", "marie", failures)
        self.compare("depositor", "biologist", "marie", failures)
        self.compare("habilitation", "pharmacist", "marie", failures)
        self.compare("patient", "patient", "marie", failures)
        self.compare("hidden", "other_patient", "celine", failures)
        self.compare("assistant", "assistant", "marie", failures)
        self.compare("support", "support", "marie", failures)
        c = self.p["nurse"].post(f"/api/v1/records/{marie}/consents", {"purpose": "Soins infirmiers", "attests_in_person": False}).json()
        self.p["patient"].post(f"/api/v1/records/{marie}/consents/{c['id']}/approve", {})
        self.compare("consent", "nurse", "marie", failures)
        self.p["regulator"].post(f"/api/v1/records/{celine}/break-glass", {"reason": "Patiente inconsciente aux urgences, antécédents inconnus."})
        self.compare("break-glass", "regulator", "celine", failures)
        self.p["regulator"].post(f"/api/v1/records/{joseph}/samu", {"call_reference": "APPEL-2026-002"})
        self.compare("samu", "regulator", "joseph", failures)
        self.p["patient"].post(f"/api/v1/records/{marie}/blocks", {"professional_account_id": self.p["pharmacist"].id})
        blocked = self.compare("blocked", "pharmacist", "marie", failures)
        check(blocked[0] is None and blocked[2] != "ok", f"blocked: {blocked}")
        # Confidential: the patient masks the biologist's report.
        docs = self.p["biologist"].get(f"/fhir/DocumentReference?patient={marie}&_count=100")
        own = [e["resource"]["id"] for e in self.p["doctor"].get(f"/fhir/DocumentReference?patient={marie}&_count=100").json()["entry"]
               if e["resource"].get("author") and e["resource"]["author"][0].get("identifier", {}).get("value") == self.p["biologist"].id]
        check(own, f"the biologist's documents: {docs.text[:200]}")
        self.p["patient"].post(f"/fhir", change(own[0], "current", ["MASQUE_PS"]))
        self.compare("confidential, care team", "doctor", "marie", failures)
        self.compare("confidential, depositor", "biologist", "marie", failures)
        c = self.p["psychologist"].post(f"/api/v1/records/{marie}/consents", {"purpose": "Bilan psychologique", "attests_in_person": False}).json()
        self.p["patient"].post(f"/api/v1/records/{marie}/consents/{c['id']}/approve", {})
        self.compare("habilitation, psychologist", "psychologist", "marie", failures)
        check(not failures, "\n".join(failures))


def validate(records):
    """Every FHIR JSON answer: fhir.resources (R4B) and fhirclient (R4) models, strictly."""
    failures, kinds = [], {}
    for method, path, status, body in records:
        try:
            data = json.loads(body)
            kind = data["resourceType"]
            kinds[kind] = kinds.get(kind, 0) + 1
            get_fhir_model_class(kind).model_validate(data)
            FHIRElementFactory.instantiate(kind, data)
        except Exception as e:  # noqa: BLE001 - every failure is reported
            failures.append(f"{method} {path} ({status}): {str(e)[:400]}")
    return failures, kinds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--pg", help="PostgreSQL admin URL: run on a fresh database there")
    args = ap.parse_args()
    backend = "PostgreSQL" if args.pg else "SQLite"
    server = Server(args.bin, args.pg)
    passed = failed = 0
    try:
        suite = Suite(server)
        tests = [t for t in dir(Suite) if t.startswith("test_")]
        order = ["test_metadata", "test_feed_search_retrieve_fhirpy", "test_feed_search_retrieve_fhirclient",
                 "test_patients_iti78", "test_audit_events", "test_health_profile",
                 "test_patient_reads_assistant_provides",
                 "test_structure_software", "test_bad_input", "test_cross_patient_sweep", "test_access_matrix"]
        check(sorted(order) == sorted(tests), f"every test is run: {tests}")
        for name in order:
            try:
                getattr(suite, name)()
                passed += 1
                print(f"ok   {backend} {name}", flush=True)
            except Exception:  # noqa: BLE001
                failed += 1
                print(f"FAIL {backend} {name}\n{traceback.format_exc()}", flush=True)
        failures, kinds = validate(server.proxy.records)
        summary = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
        if failures or not server.proxy.records:
            failed += 1
            print(f"FAIL {backend} validation of {len(server.proxy.records)} FHIR answers:\n" + "\n".join(failures[:50]))
        else:
            passed += 1
            print(f"ok   {backend} every FHIR answer validates (R4B and R4): {len(server.proxy.records)} answers ({summary})")
    finally:
        server.stop()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
