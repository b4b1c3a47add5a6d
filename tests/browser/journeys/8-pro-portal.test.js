// A doctor (Dr Wamytan) creates the inactive account of a person present, feeds it, replaces
// the document by a new version whose title is a script and HTML payload (shown as text,
// nothing runs), deletes it after the confirmation, records then lifts the patient's
// opposition to feeding, finds the patient again by traits and reads their own access log.
// Everything happens on the patient created here: no demo person is disturbed.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, visit, check, screenshot, submit } from "../lib.js";

const DOCTOR = "dr.wamytan@demo.mds.nc";
const XSS = `<script>window.__xss=1</script><img src=x onerror="window.__xss=2">`;
const FIRST = "Consultation au dispensaire";
const doctor = await person("pro-portal");
after(async () => {
  await doctor.close();
});

let record;

const textFile = (name, text) => ({ name, mimeType: "text/plain", buffer: Buffer.from(text) });

test("professional: creates the inactive account of a person present", async () => {
  const { page } = doctor;
  await signIn(doctor, DOCTOR);
  await visit(doctor, "/pro", "find a patient");
  await page.getByRole("link", { name: "Créer un compte patient" }).click();
  await page.waitForURL(/\/pro\/patients\/new$/);
  await check(doctor, "create account form");
  await page.getByLabel("Nom de naissance").fill("Kasarhérou");
  await page.getByLabel("Prénoms").fill("Lucien Wénic");
  await page.getByLabel("Date de naissance").fill("1962-04-09");
  await page.getByRole("radio", { name: "Masculin" }).check();
  await page.getByLabel("Lieu de naissance").selectOption({ label: "Lifou" });
  await page.getByLabel("Numéro CAFAT").fill("8812345");
  await page.getByLabel(/J'ai vérifié sa pièce d'identité/).check();
  await page.getByLabel(/J'ai vérifié sa carte CAFAT/).check();
  await page.getByLabel(/Je lui ai présenté l'information/).check();
  await page.getByLabel(/Elle a signé le formulaire/).check();
  await screenshot(doctor, "pro-create-account");
  await submit(doctor, "Créer le compte inactif");
  assert.match(page.url(), /\/pro\/records\/[0-9a-f-]+\?ok=created$/);
  record = new URL(page.url()).pathname;
  await check(doctor, "new inactive record");
  assert.ok(await page.getByText("Compte inactif créé.", { exact: false }).isVisible());
  await assert.doesNotReject(page.getByRole("heading", { name: "KASARHÉROU Lucien Wénic" }).waitFor());
});

test("professional: replaces their document by a new version, then deletes it", async () => {
  const { page } = doctor;
  await page.getByRole("link", { name: "Ajouter un document" }).click();
  await page.waitForURL(/\/add$/);
  await page.getByLabel("Type de document").selectOption("11488-4");
  await page.getByLabel("Titre").fill(FIRST);
  await page.getByLabel("Date de l'acte").fill("2026-11-20");
  await page.getByLabel("Fichier").setInputFiles(textFile("cr.txt", "Patient vu ce jour.\n"));
  await page.getByLabel(/J'ai informé le patient/).check();
  await submit(doctor, "Ajouter le document");
  await page.getByRole("link", { name: FIRST }).click();
  await page.waitForURL(/\/documents\/[0-9a-f-]+$/);
  await check(doctor, "own document");
  assert.ok(await page.getByRole("link", { name: "Remplacer par une nouvelle version" }).isVisible());
  assert.ok(await page.getByText(/effacé définitivement/).first().isVisible());
  await screenshot(doctor, "pro-own-document");

  await page.getByRole("link", { name: "Remplacer par une nouvelle version" }).click();
  await page.waitForURL(/\/replace$/);
  await check(doctor, "replace form");
  assert.equal(await page.getByLabel("Titre").inputValue(), FIRST, "prefilled");
  await page.getByLabel("Titre").fill(XSS);
  await page.getByLabel("Fichier de la nouvelle version").setInputFiles(textFile("cr2.txt", "Patient vu ce jour, rectifié.\n"));
  await screenshot(doctor, "pro-replace");
  await submit(doctor, "Déposer la nouvelle version");
  assert.match(page.url(), /\?ok=replaced$/);
  await check(doctor, "new version");
  assert.ok(await page.getByText("Nouvelle version déposée", { exact: false }).isVisible());
  assert.ok(await page.getByRole("heading", { name: XSS }).isVisible(), "the title is text");
  assert.equal(await page.evaluate(() => window.__xss), undefined, "nothing executed");

  await visit(doctor, record, "record after replacing");
  assert.ok(await page.getByRole("link", { name: XSS }).isVisible());
  assert.equal(await page.getByRole("link", { name: FIRST }).count(), 0, "the old version left the list");
  assert.equal(await page.evaluate(() => window.__xss), undefined, "nothing executed");

  await page.getByRole("link", { name: XSS }).click();
  await page.waitForURL(/\/documents\/[0-9a-f-]+$/);
  await page.getByRole("link", { name: "Supprimer" }).click();
  await page.waitForURL(/\/delete$/);
  await check(doctor, "delete confirmation");
  assert.ok(await page.getByText(/ne pourra pas être récupéré/).isVisible());
  await screenshot(doctor, "pro-delete");
  await submit(doctor, "Supprimer définitivement");
  assert.equal(new URL(page.url()).pathname, record);
  await check(doctor, "record after deleting");
  assert.ok(await page.getByText("Document supprimé", { exact: false }).isVisible());
  assert.equal(await page.getByRole("link", { name: XSS }).count(), 0, "deleted");
});

test("professional: records the patient's opposition to feeding, then lifts it", async () => {
  const { page } = doctor;
  assert.ok(await page.getByText(/en sa présence/).first().isVisible(), "the condition is said");
  await submit(doctor, "Enregistrer l'opposition du patient");
  await check(doctor, "record with an opposition");
  assert.ok(await page.getByText("Opposition enregistrée", { exact: false }).isVisible());
  assert.equal(await page.getByRole("link", { name: "Ajouter un document" }).count(), 0, "no more additions");
  await screenshot(doctor, "pro-opposition");
  await submit(doctor, "Lever l'opposition");
  await check(doctor, "record after lifting");
  assert.ok(await page.getByText("Opposition levée", { exact: false }).isVisible());
  assert.ok(await page.getByRole("link", { name: "Ajouter un document" }).isVisible());
});

test("professional: finds the patient by traits", async () => {
  const { page } = doctor;
  await page.getByRole("link", { name: "Rechercher par nom" }).click();
  await page.waitForURL(/\/pro\/search$/);
  await check(doctor, "search by traits");
  await page.getByLabel("Nom de naissance").fill("KASARHEROU");
  await page.getByLabel("Prénom", { exact: true }).fill("Wénic");
  await page.getByLabel("Date de naissance").fill("1962-04-09");
  await page.getByRole("radio", { name: "Masculin" }).check();
  await page.getByLabel("Lieu de naissance (facultatif)").selectOption({ label: "Lifou" });
  await submit(doctor, "Rechercher");
  await check(doctor, "search results");
  await screenshot(doctor, "pro-search-traits");
  await page.getByRole("link", { name: "KASARHÉROU Lucien Wénic" }).click();
  await page.waitForURL((u) => u.pathname === record);
  await check(doctor, "record from the search");
});

test("professional: reads their own access log, filtered", async () => {
  const { page } = doctor;
  await page.getByRole("link", { name: "Mon journal d'accès" }).click();
  await page.waitForURL(/\/pro\/access-log$/);
  await check(doctor, "access log");
  assert.ok(await page.getByText(/Vous avez créé le dossier du patient/).first().isVisible());
  assert.ok(await page.getByText(/Vous avez supprimé/).first().isVisible(), await page.content());
  await page.getByLabel("Type d'action").selectOption("reads");
  await submit(doctor, "Filtrer");
  await check(doctor, "access log, reads");
  assert.ok(await page.getByText(/Vous avez consulté/).first().isVisible());
  assert.equal(await page.getByText(/Vous avez créé le dossier/).count(), 0, "filtered");
  await screenshot(doctor, "pro-access-log");
});
