// A doctor of the care team finds Marie Wéa, reads her record, adds a document whose title is
// a script and HTML payload; the page shows it as text and nothing runs; then the patient
// sees the new document, as text too.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, visit, check, screenshot, submit, BASE, DOCTOR, PATIENT } from "../lib.js";

const XSS = `<script>window.__xss=1</script><img src=x onerror="window.__xss=2">`;
const doctor = await person("doctor");
const marie = await person("patient-2");
after(async () => {
  await doctor.close();
  await marie.close();
});

let record;

test("professional: login → find Marie Wéa → record view", async () => {
  const { page } = doctor;
  await signIn(doctor, DOCTOR);
  assert.equal(new URL(page.url()).pathname, "/pro");
  await check(doctor, "find a patient");
  await page.getByLabel("Numéro CAFAT").fill("1234567");
  await page.getByLabel("Date de naissance").fill("1985-03-14");
  await submit(doctor, "Rechercher");
  assert.match(page.url(), /\/pro\/records\/[0-9a-f-]+$/);
  record = new URL(page.url()).pathname;
  await check(doctor, "record view");
  await assert.doesNotReject(page.getByRole("heading", { name: "WÉA Marie Josépha" }).waitFor());
  assert.ok(await page.getByText("Votre accès : équipe de soins").isVisible());
  assert.ok(await page.getByText("Autorisé : vous faites partie de l'équipe de soins.").isVisible());
  assert.ok(await page.getByRole("link", { name: "Bilan biologique — ionogramme, créatinine" }).isVisible());
  await screenshot(doctor, "pro-record");
});

test("professional: adds a document; its title is text, nothing executes", async () => {
  const { page } = doctor;
  await page.getByRole("link", { name: "Ajouter un document" }).click();
  await page.waitForURL(/\/add$/);
  await check(doctor, "add form");
  await screenshot(doctor, "pro-add");
  await page.getByLabel("Type de document").selectOption("11488-4");
  await page.getByLabel("Titre").fill(XSS);
  await page.getByLabel("Date de l'acte").fill("2026-11-20");
  await page.getByLabel("Fichier").setInputFiles({ name: "cr.txt", mimeType: "text/plain", buffer: Buffer.from("Compte rendu de consultation.\n") });
  await page.getByLabel(/J'ai informé le patient/).check();
  await submit(doctor, "Ajouter le document");
  assert.equal(new URL(page.url()).pathname, record);
  await check(doctor, "record after adding");
  assert.ok(await page.getByText("Document ajouté au dossier.").isVisible());
  assert.ok(await page.getByRole("link", { name: XSS }).isVisible(), "the title is displayed as text");
  assert.equal(await page.evaluate(() => window.__xss), undefined, "nothing executed");
  await page.getByRole("link", { name: XSS }).click();
  await page.waitForURL(/\/documents\/[0-9a-f-]+$/);
  await check(doctor, "document page with a payload title");
  assert.ok(await page.getByRole("heading", { name: XSS }).isVisible());
  assert.equal(await page.evaluate(() => window.__xss), undefined, "nothing executed");
});

test("patient: sees the new document", async () => {
  const { page } = marie;
  await signIn(marie, PATIENT);
  await visit(marie, "/patient/documents", "patient documents");
  assert.ok(await page.getByRole("link", { name: XSS }).isVisible(), "the patient sees it, as text");
  assert.equal(await page.evaluate(() => window.__xss), undefined, "nothing executed");
  await page.getByLabel("Auteur").selectOption({ label: "Jean Néa" });
  await submit(marie, "Filtrer");
  await check(marie, "documents by author");
  assert.ok(await page.getByRole("link", { name: XSS }).isVisible());
  assert.equal(await page.getByRole("link", { name: "Dispensation — amlodipine" }).count(), 0, "filtered out");
});
