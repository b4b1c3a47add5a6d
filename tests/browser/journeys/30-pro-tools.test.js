// The professional portal's document tools (issue 15 item 7) and pages beyond 100 documents.
// A nurse (emergency access to Céline's record) deposits a document hidden from the patient,
// releases it from its page after the announcement, and the patient, who did not see it
// before, is told; the nurse masks it at the patient's request. Then 150 older documents
// are added through the REST API and both portals page through them (filters kept by the
// pager). Céline's record only; the older documents are dated 2015, after every other one.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, visit, check, screenshot, submit, freshCode, NURSE, BASE } from "../lib.js";

const CELINE = "celine.dk@demo.mds.nc";
const CELINE_RECORD = "/pro/patient?cafat=2345678&birth_date=1990-11-30";
const nurse = await person("nurse-30");
const celine = await person("celine-30", { width: 390, height: 844 });
after(async () => {
  await nurse.close();
  await celine.close();
});

let record;
const run = String(Date.now()).slice(-6);
const title = `Résultat d'examen à annoncer ${run}`;

test("a nurse releases a document hidden from the patient, who is then told", async () => {
  await signIn(nurse, NURSE, { from: CELINE_RECORD });
  const { page } = nurse;
  record = new URL(page.url()).pathname;
  const reason = page.getByLabel("Raison (une phrase)");
  if (await reason.count()) {
    await reason.fill("Patiente admise aux urgences de Koné, inconsciente, antécédents inconnus");
    await submit(nurse, "Ouvrir l'accès d'urgence");
  }
  await visit(nurse, `${record}/add`, "add form");
  await page.getByLabel("Type de document").selectOption("11488-4");
  await page.getByLabel("Titre").fill(title);
  await page.getByLabel("Date de l'acte").fill("2026-12-02");
  await page.getByLabel(/J'ai informé le patient/).check();
  await page.getByLabel("Ne pas montrer au patient avant une consultation d'annonce").check();
  await page.getByLabel("Fichier").setInputFiles({ name: "cr.txt", mimeType: "text/plain", buffer: Buffer.from(`${title}\n`) });
  await submit(nurse, "Ajouter le document");
  assert.equal(new URL(page.url()).pathname, record);

  await signIn(celine, CELINE);
  await visit(celine, "/patient/documents", "documents before the release");
  assert.equal(await celine.page.getByRole("link", { name: title }).count(), 0, "hidden from the patient");
  await visit(celine, "/patient/notifications", "notifications");
  if (await celine.page.getByRole("button", { name: "Tout marquer comme lu" }).count()) {
    await submit(celine, "Tout marquer comme lu");
  }

  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: title }).click()]);
  await check(nurse, "hidden document page");
  assert.match(await page.locator("main").innerText(), /Document masqué au patient/);
  await screenshot(nurse, "pro-document-release");
  await submit(nurse, "Rendre visible au patient");
  await check(nurse, "document released");
  assert.match(await page.locator(".notice").innerText(), /le patient est prévenu/);
  assert.equal(await page.getByRole("button", { name: "Rendre visible au patient" }).count(), 0);

  await visit(celine, "/patient/notifications", "notifications after the release");
  assert.match(await celine.page.locator("li.notification").first().innerText(), /Paul Kaloï/);
  await visit(celine, "/patient/documents", "documents after the release");
  assert.equal(await celine.page.getByRole("link", { name: title }).count(), 1, "now visible");
});

test("the nurse masks the document at the patient's request", async () => {
  const { page } = nurse;
  await visit(nurse, record, "record");
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: title }).click()]);
  await page.getByLabel("Le patient me l'a demandé").check();
  await submit(nurse, "Masquer le document");
  assert.equal(new URL(page.url()).pathname, record);
  await check(nurse, "masked at the patient's request");
  assert.match(await page.locator(".notice").innerText(), /à la demande du patient/);
});

test("150 more documents are paged on both portals, filters kept", async (t) => {
  const login = await fetch(`${BASE}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ login: NURSE, password: "Demo-MDS-2026", totp_code: await freshCode(NURSE) }),
  });
  assert.equal(login.status, 200);
  const { token } = await login.json();
  const pid = record.split("/").at(-1);
  for (let i = 0; i < 150; i++) {
    const day = new Date(Date.UTC(2015, 0, 1 + i)).toISOString().slice(0, 10);
    const form = new FormData();
    form.append("file", new Blob([`Compte rendu ancien ${i}\n`], { type: "text/plain" }), "cr.txt");
    form.append("type_code", "11488-4");
    form.append("title", `Compte rendu ancien n° ${i + 1}`);
    form.append("act_date", day);
    form.append("confirms_patient_informed", "true");
    const r = await fetch(`${BASE}/api/v1/records/${pid}/documents`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
    assert.equal(r.status, 201, `document ${i}: ${await r.text()}`);
  }
  t.diagnostic("150 documents added through the REST API");

  const { page } = nurse;
  await visit(nurse, record, "record with more than 150 documents");
  const caption = await page.locator("table.docs caption").innerText();
  const total = Number(caption.match(/(\d+)/)[1]);
  assert.ok(total > 150, caption);
  assert.match(await page.locator("nav.pager").innerText(), new RegExp(`Page 1 sur ${Math.ceil(total / 50)}`));
  assert.equal(await page.locator("table.docs tbody tr").count(), 50);
  await page.locator("details.filter-box summary").click();
  await page.getByLabel("Depuis le").fill("2015-01-01");
  await page.getByLabel("Jusqu'au").fill("2015-12-31");
  await submit(nurse, "Filtrer");
  await check(nurse, "record filtered");
  assert.match(await page.locator("table.docs caption").innerText(), /150/);
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Documents suivants" }).click()]);
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Documents suivants" }).click()]);
  await check(nurse, "record, last page");
  const url = new URL(page.url());
  assert.equal(url.searchParams.get("page"), "3");
  assert.equal(url.searchParams.get("from"), "2015-01-01", "the filter is kept");
  assert.match(await page.locator("nav.pager").innerText(), /Page 3 sur 3/);
  assert.equal(await page.getByRole("link", { name: "Documents suivants" }).count(), 0);
  assert.ok(await page.getByRole("link", { name: "Compte rendu ancien n° 1", exact: true }).isVisible(), "the oldest is last");
  await screenshot(nurse, "pro-record-paged");

  const cp = celine.page;
  await visit(celine, "/patient/documents?from=2015-01-01&to=2015-12-31", "patient documents filtered");
  assert.match(await cp.locator("table.docs caption").innerText(), /150/);
  await Promise.all([cp.waitForNavigation(), cp.getByRole("link", { name: "Documents suivants" }).click()]);
  await check(celine, "patient documents, page 2");
  assert.match(await cp.locator("nav.pager").innerText(), /Page 2 sur 3/);
  assert.equal(await cp.getByRole("link", { name: "Documents précédents" }).count(), 1);
  await screenshot(celine, "patient-documents-paged");
});
