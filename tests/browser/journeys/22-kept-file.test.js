// Forms keep what was typed and chosen (issue 18 item 7): a doctor's add-document form refused
// for a wrong date keeps the PDF server-side (« Fichier déjà reçu »), says what is wrong in a
// summary at the top linking to the field and again at the field; corrected, it is sent
// without choosing the file again and the stored document is that PDF. The « J'ai informé le
// patient » box comes before the file.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, visit, check, screenshot, submit, DOCTOR, MARIE, SAMPLE_PDF, SAMPLE_PNG } from "../lib.js";

const doctor = await person("doctor-22");
const person22 = await person("enrolling-22", { width: 390, height: 844 });
after(async () => {
  await doctor.close();
  await person22.close();
});

const TITLE = "Échographie de contrôle — fichier gardé";

test("a refused add keeps the PDF, the corrected form sends it", async () => {
  const { page } = doctor;
  await signIn(doctor, DOCTOR);
  await visit(doctor, MARIE, "record view");
  const record = new URL(page.url()).pathname;
  await visit(doctor, `${record}/add`, "add form");
  const order = await page.evaluate(() => {
    const informed = document.getElementById("informed");
    const file = document.getElementById("file");
    return informed.compareDocumentPosition(file) & Node.DOCUMENT_POSITION_FOLLOWING;
  });
  assert.ok(order, "the information box comes before the file");
  await page.getByLabel("Type de document").selectOption("11488-4");
  await page.getByLabel("Titre").fill(TITLE);
  await page.getByLabel("Date de l'acte").fill("2099-01-01");
  await page.getByLabel(/J'ai informé le patient/).check();
  await page.getByLabel("Fichier").setInputFiles({ name: "echo-controle.pdf", mimeType: "application/pdf", buffer: SAMPLE_PDF });
  await submit(doctor, "Ajouter le document");
  await check(doctor, "add form refused, file kept");
  const summary = page.locator(".error-summary");
  assert.ok(await summary.isVisible(), "an error summary at the top");
  assert.equal(await summary.getByRole("link").getAttribute("href"), "#act_date", "it links to the date");
  assert.ok(await page.locator(".field-error").first().isVisible(), "the message again at the field");
  assert.match(await page.locator(".held-file").innerText(), /Fichier déjà reçu : echo-controle\.pdf \(\d+ Ko\)/);
  assert.equal(await page.getByLabel("Titre").inputValue(), TITLE, "what was typed is kept");
  assert.ok(await page.getByLabel(/J'ai informé le patient/).isChecked());
  assert.match(await page.locator(".patient-banner").innerText(), /CAFAT 1234567/, "the banner stays on the refused form");
  await screenshot(doctor, "pro-add-file-kept");
  await page.getByLabel("Date de l'acte").fill("2026-11-30");
  await submit(doctor, "Ajouter le document");
  assert.equal(new URL(page.url()).pathname, record, "added without choosing the file again");
  await check(doctor, "record after adding");
  await page.getByRole("link", { name: TITLE }).first().click();
  await page.waitForURL(/\/documents\/[0-9a-f-]+$/);
  await check(doctor, "the added document");
  const href = await page.getByRole("link", { name: "Télécharger le document" }).getAttribute("href");
  const body = await (await page.request.get(new URL(href, page.url()).href)).body();
  assert.equal(Buffer.compare(body, SAMPLE_PDF), 0, "the stored document is the PDF chosen the first time");
});

test("a refused self-enrolment keeps both identity scans", async () => {
  const { page } = person22;
  await visit(person22, "/inscription", "enrolment form");
  await page.getByLabel("Nom de naissance").fill("Wamytan");
  await page.getByLabel("Prénoms").fill("Éloïse");
  await page.getByLabel("Date de naissance").fill("1992-02-02");
  await page.getByRole("radio", { name: "Féminin" }).check();
  await page.getByLabel("Lieu de naissance").selectOption("98818");
  await page.getByLabel("Numéro CAFAT").fill("777333");
  await page.getByLabel("Adresse e-mail").fill("eloise.wamytan@example.nc");
  await page.getByLabel("Mot de passe", { exact: true }).fill("court");
  await page.getByLabel("Pièce d'identité").setInputFiles({ name: "piece-identite.pdf", mimeType: "application/pdf", buffer: SAMPLE_PDF });
  await page.getByLabel("Carte CAFAT").setInputFiles({ name: "carte-cafat.png", mimeType: "image/png", buffer: SAMPLE_PNG });
  await page.getByLabel(/J'ai lu l'information sur Mon Drive Santé/).check();
  await submit(person22, "Envoyer ma demande");
  await check(person22, "enrolment refused, scans kept");
  assert.equal(await page.locator(".error-summary a").getAttribute("href"), "#password", "the summary links to the password");
  const held = await page.locator(".held-file").allInnerTexts();
  assert.equal(held.length, 2, "both scans kept");
  assert.match(held[0], /piece-identite\.pdf/);
  assert.match(held[1], /carte-cafat\.png/);
  assert.equal(await page.getByLabel("Nom de naissance").inputValue(), "Wamytan");
  assert.ok(await page.getByRole("radio", { name: "Féminin" }).isChecked());
  await screenshot(person22, "enrolment-scans-kept");
  await page.getByLabel("Mot de passe", { exact: true }).fill("Wamytan-Santé-2026!");
  await submit(person22, "Envoyer ma demande");
  await check(person22, "enrolment sent with the kept scans");
  const tracking = (await page.locator("#status-token").textContent()).trim();
  assert.ok(tracking.length > 10, "sent: a tracking number is shown");
});
