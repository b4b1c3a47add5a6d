// Notifications that say what happened and lead to it (issue 18 item 3): an emergency access
// is an alert card at the top of the patient's home with what to do; a document added names
// its kind and who deposited it (never its title) and opens it; repeats by one professional
// on one day are one line that leads to their documents; « Tout marquer comme lu ».
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, visit, check, screenshot, submit, NURSE } from "../lib.js";

const CELINE = "celine.dk@demo.mds.nc";
const CELINE_RECORD = "/pro/patient?cafat=2345678&birth_date=1990-11-30";
const nurse = await person("nurse-25");
const celine = await person("celine-25", { width: 390, height: 844 });
after(async () => {
  await nurse.close();
  await celine.close();
});

let record;

async function addDocument(title) {
  const { page } = nurse;
  await visit(nurse, `${record}/add`, "add form");
  await page.getByLabel("Type de document").selectOption("11488-4");
  await page.getByLabel("Titre").fill(title);
  await page.getByLabel("Date de l'acte").fill("2026-12-01");
  await page.getByLabel(/J'ai informé le patient/).check();
  await page.getByLabel("Fichier").setInputFiles({ name: "cr.txt", mimeType: "text/plain", buffer: Buffer.from(`${title}\n`) });
  await submit(nurse, "Ajouter le document");
  assert.equal(new URL(page.url()).pathname, record, `${title} added`);
}

async function markAllRead() {
  await visit(celine, "/patient/notifications", "notifications");
  if (await celine.page.getByRole("button", { name: "Tout marquer comme lu" }).count()) {
    await submit(celine, "Tout marquer comme lu");
    await check(celine, "notifications, all read");
  }
  assert.equal(await celine.page.getByText("Non lue").count(), 0, "nothing unread");
}

test("an emergency access is an alert card with what to do", async () => {
  await signIn(nurse, NURSE, { from: CELINE_RECORD });
  const { page } = nurse;
  record = new URL(page.url()).pathname;
  const field = page.getByLabel("Raison (une phrase)");
  if (await field.count()) {
    await field.fill("Patiente admise aux urgences de Koné, inconsciente, antécédents inconnus");
    await submit(nurse, "Ouvrir l'accès d'urgence");
  }
  await signIn(celine, CELINE);
  await visit(celine, "/patient", "home with an emergency alert");
  const card = celine.page.locator(".alert-card").first();
  assert.ok(await card.isVisible(), "an alert card");
  assert.match(await card.innerText(), /Accès d'urgence à votre dossier[\s\S]*Paul Kaloï/);
  const top = await card.evaluate((c) => c.getBoundingClientRect().top);
  assert.ok(top < 200, `the card is at the top (${top} px)`);
  await screenshot(celine, "patient-home-emergency-alert");
  await Promise.all([celine.page.waitForNavigation(), card.getByRole("link", { name: /voir ce qui a été consulté/ }).click()]);
  await check(celine, "history of emergencies");
  assert.ok(await celine.page.locator("ul.history li", { hasText: "ouvert un accès en urgence" }).first().isVisible());
});

test("two documents by one professional are one line leading to them; one leads to itself", async () => {
  await markAllRead();
  await addDocument("Bilan de soins infirmiers — jour 1");
  await addDocument("Bilan de soins infirmiers — jour 2");
  await visit(celine, "/patient/notifications", "notifications, two documents");
  const first = celine.page.locator("li.notification").first();
  assert.match(await first.innerText(), /2 nouveaux documents déposés par Paul Kaloï \(infirmier/);
  assert.doesNotMatch(await first.innerText(), /Bilan de soins/, "no title in the notification");
  await screenshot(celine, "patient-notifications-grouped");
  await Promise.all([celine.page.waitForNavigation(), first.getByRole("link").click()]);
  await check(celine, "documents of that professional");
  assert.ok(await celine.page.getByRole("link", { name: "Bilan de soins infirmiers — jour 1" }).isVisible());
  assert.ok(await celine.page.getByRole("link", { name: "Bilan de soins infirmiers — jour 2" }).isVisible());

  await markAllRead();
  await addDocument("Bilan de soins infirmiers — jour 3");
  await visit(celine, "/patient/notifications", "notifications, one document");
  const one = celine.page.locator("li.notification").first();
  assert.match(await one.innerText(), /Nouveau document : Compte rendu ou fiche de consultation ou de visite, déposé par Paul Kaloï \(infirmier/);
  await Promise.all([celine.page.waitForNavigation(), one.getByRole("link").click()]);
  await check(celine, "the document notified");
  assert.ok(await celine.page.getByRole("heading", { name: "Bilan de soins infirmiers — jour 3" }).isVisible());
});
