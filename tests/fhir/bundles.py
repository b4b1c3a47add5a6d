"""ITI-65 transaction Bundles and document contents for the suite."""

import base64
import uuid

LOINC = "http://loinc.org"
VISIBILITY = "https://mos.esante.gouv.fr/NOS/TRE_A07-StatutVisibiliteDocument/FHIR/TRE-A07-StatutVisibiliteDocument"
INFORMED = "https://mondrivesante.nc/fhir/StructureDefinition/patient-informed"
LIST_TYPES = "https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes"


def urn():
    return f"urn:uuid:{uuid.uuid4()}"


def text_doc(title, type_code="11488-4", act_date="2026-11-20"):
    return {"type_code": type_code, "title": title, "act_date": act_date, "content_type": "text/plain",
            "content": f"{title}\nCompte rendu {uuid.uuid4()}".encode(), "inline": False}


def pdf_bytes(text):
    """A minimal well-formed PDF holding `text` in a comment: its cross-reference table and
    trailer included, since the format check refuses a PDF without `startxref` and `%%EOF`."""
    out = b"%PDF-1.4\n% " + text.replace("\n", " ").encode() + b"\n"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    offsets = []
    for i, o in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, o)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def pdf_doc(title):
    d = text_doc(title)
    d.update(content_type="application/pdf", content=pdf_bytes(f"{title} {uuid.uuid4()}"))
    return d


def cda_doc(title):
    d = text_doc(title, type_code="11502-2")
    d.update(content_type="application/xml", inline=True,
             content=f'<?xml version="1.0" encoding="UTF-8"?><ClinicalDocument xmlns="urn:hl7-org:v3"><title>{title}</title><id root="{uuid.uuid4()}"/></ClinicalDocument>'.encode())
    return d


def submission(patient, docs, informed=True, subject=None):
    subject = subject or {"reference": f"Patient/{patient}"}
    entries, items, binaries = [], [], []
    for d in docs:
        doc_url = urn()
        items.append({"item": {"reference": doc_url}})
        attachment = {"contentType": d["content_type"], "title": d["title"], "language": "fr"}
        if d.get("inline"):
            attachment["data"] = base64.b64encode(d["content"]).decode()
        else:
            bin_url = urn()
            attachment["url"] = bin_url
            binaries.append({"fullUrl": bin_url,
                             "resource": {"resourceType": "Binary", "contentType": d["content_type"],
                                          "data": base64.b64encode(d["content"]).decode()},
                             "request": {"method": "POST", "url": "Binary"}})
        doc = {"resourceType": "DocumentReference", "status": "current",
               "masterIdentifier": {"system": "urn:ietf:rfc:3986", "value": urn()},
               "type": {"coding": [{"system": LOINC, "code": d["type_code"]}]},
               "subject": subject, "content": [{"attachment": attachment}],
               "context": {"period": {"start": d["act_date"]}}}
        if d.get("replaces"):
            doc["relatesTo"] = [{"code": "replaces", "target": {"reference": f"DocumentReference/{d['replaces']}"}}]
        if d.get("labels"):
            doc["securityLabel"] = [{"coding": [{"system": VISIBILITY, "code": l}]} for l in d["labels"]]
        entries.append({"fullUrl": doc_url, "resource": doc, "request": {"method": "POST", "url": "DocumentReference"}})
    sset = {"resourceType": "List", "status": "current", "mode": "working",
            "code": {"coding": [{"system": LIST_TYPES, "code": "submissionset"}]},
            "subject": subject, "entry": items}
    if informed:
        sset["extension"] = [{"url": INFORMED, "valueBoolean": True}]
    return {"resourceType": "Bundle", "type": "transaction",
            "entry": [{"fullUrl": urn(), "resource": sset, "request": {"method": "POST", "url": "List"}}] + entries + binaries}


def change(document, status, labels=()):
    return {"resourceType": "Bundle", "type": "transaction", "entry": [{
        "resource": {"resourceType": "DocumentReference", "id": document, "status": status,
                     "securityLabel": [{"coding": [{"system": VISIBILITY, "code": l}]} for l in labels],
                     "content": [{"attachment": {"contentType": "text/plain"}}]},
        "request": {"method": "PUT", "url": f"DocumentReference/{document}"}}]}


def created_ids(response):
    return [e["response"]["location"].split("/", 1)[1] for e in response["entry"]
            if e["response"].get("location", "").startswith("DocumentReference/")]


def search_ids(bundle):
    return [e["resource"]["id"] for e in bundle.get("entry", [])]
