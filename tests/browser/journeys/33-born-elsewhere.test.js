// Births outside New Caledonia (issue 15 item 3), without JavaScript: Losa was born in
// Port-Vila (Vanuatu). On the enrolment form she chooses « Ailleurs » and types the town's
// name; no French commune nor country has it, so the form comes back with everything she typed
// (and her scans kept), telling her to give the country; she types « vanuatu » and the request
// is sent with Vanuatu's INSEE code, 99514, which support sees named. A commune of France is
// found by its name (« Papeete »).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { person, signIn, visit, check, screenshot, submit, SUPPORT, SAMPLE_PDF, SAMPLE_PNG } from "../lib.js";

const losa = await person("losa-33", { width: 390, height: 844 });
const support = await person("support-33");
after(async () => {
  await losa.close();
  await support.close();
});

const STAMP = String(Date.now()).slice(-4);

test("a person born in Port-Vila (Vanuatu) enrols", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mds-scans-33-"));
  const pdf = join(dir, "identite.pdf");
  const png = join(dir, "cafat.png");
  writeFileSync(pdf, SAMPLE_PDF);
  writeFileSync(png, SAMPLE_PNG);
  const { page } = losa;
  await visit(losa, "/inscription", "enrolment form");
  await page.getByLabel("Nom de naissance").fill("Tavita");
  await page.getByLabel("Prénoms").fill("Losa");
  await page.getByLabel("Date de naissance").fill("1988-06-21");
  await page.getByRole("radio", { name: "Féminin" }).check();
  await page.getByLabel("Lieu de naissance").selectOption("other");
  await page.getByLabel(/Né\(e\) ailleurs/).fill("Port-Vila");
  await page.getByLabel("Numéro CAFAT").fill(`33${STAMP}`);
  await page.getByLabel("Adresse e-mail").fill(`losa.tavita.${STAMP}@example.nc`);
  await page.getByLabel("Mot de passe", { exact: true }).fill("Tavita-Santé-2026!");
  await page.getByLabel("Pièce d'identité").setInputFiles(pdf);
  await page.getByLabel("Carte CAFAT").setInputFiles(png);
  await page.getByLabel(/J'ai lu l'information sur Mon Drive Santé/).check();
  await screenshot(losa, "enrolment-born-elsewhere");
  await submit(losa, "Envoyer ma demande");
  assert.match(await page.locator(".error-summary").innerText(), /Aucune commune française ni aucun pays ne porte ce nom/);
  assert.equal(await page.getByLabel(/Né\(e\) ailleurs/).inputValue(), "Port-Vila", "kept as typed");
  assert.equal(await page.getByLabel("Nom de naissance").inputValue(), "Tavita");
  await check(losa, "enrolment refused: no such commune");
  await screenshot(losa, "enrolment-born-elsewhere-error");

  await page.getByLabel(/Né\(e\) ailleurs/).fill("vanuatu");
  await page.getByLabel("Mot de passe", { exact: true }).fill("Tavita-Santé-2026!");
  await page.getByLabel(/J'ai lu l'information sur Mon Drive Santé/).check();
  await submit(losa, "Envoyer ma demande");
  await check(losa, "enrolment sent");
  assert.ok((await page.locator("#status-token").textContent()).trim().length > 10, "a tracking number");

  await signIn(support, SUPPORT);
  await Promise.all([support.page.waitForNavigation(), support.page.getByRole("link", { name: "TAVITA Losa" }).click()]);
  await check(support, "enrolment request born abroad");
  assert.ok(await support.page.getByText("Vanuatu (99514)").first().isVisible(), "the country is named with its code");
});

test("a French commune is found by its name: Papeete", async () => {
  const doctor = await person("doctor-33");
  try {
    await signIn(doctor, "dr.nea@demo.mds.nc");
    await visit(doctor, "/pro/patients/new", "creation form");
    const { page } = doctor;
    await page.getByLabel("Nom de naissance").fill("Teriitahi");
    await page.getByLabel("Prénoms").fill("Hinano");
    await page.getByLabel("Date de naissance").fill("1979-09-09");
    await page.getByRole("radio", { name: "Féminin" }).check();
    await page.getByLabel("Lieu de naissance").selectOption("other");
    await page.getByLabel(/Né\(e\) ailleurs/).fill("papeete");
    await page.getByLabel("Numéro CAFAT").fill(`34${STAMP}`);
    for (const box of [/pièce d'identité/, /carte CAFAT/, /présenté l'information/, /formulaire de consentement/]) {
      await page.getByRole("checkbox", { name: box }).check();
    }
    await submit(doctor, "Créer le compte inactif");
    assert.match(new URL(page.url()).pathname, /^\/pro\/records\//, "the record is created");
    await check(doctor, "record created, born in Papeete");
  } finally {
    await doctor.close();
  }
});
