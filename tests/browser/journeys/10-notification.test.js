// A professional adds a document → the patient sees it AND its notification: the unread count
// on her home page goes up, the notifications page says a new document of that kind was
// deposited by that doctor (grouped with his other documents of the day, never with a title),
// and « Tout marquer comme lu » brings the count to zero. The professional comes in by
// the contextual entry and signs in in two steps (password, then the authenticator's code; a
// wrong code first), landing on the record. Counts are compared before/after, so the journey
// does not depend on what other journeys did to Marie Wéa's notifications.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, freshCode, visit, check, screenshot, submit, BASE, DOCTOR, PATIENT, PASSWORD, MARIE } from "../lib.js";

const ADDED = /^(Nouveau document : Compte rendu ou fiche de consultation ou de visite, déposé par Dr Jean Néa \(médecin|\d+ nouveaux documents déposés par Dr Jean Néa \(médecin)/;
const TITLE = "Compte rendu de consultation — contrôle tensionnel (parcours 10)";

const marie = await person("patient-10");
const doctor = await person("doctor-10");
after(async () => {
  await marie.close();
  await doctor.close();
});

/** The unread count in the home page's heading "Notifications non lues (N)"; 0 when absent. */
async function homeUnread(p) {
  await visit(p, "/patient", "patient home");
  const heading = p.page.locator("#unread-title");
  if ((await heading.count()) === 0) return 0;
  const m = (await heading.textContent()).match(/\((\d+)\)/);
  assert.ok(m, "the heading carries the unread count");
  return Number(m[1]);
}

/** On the notifications page: how many lines are unread. */
async function inbox(p) {
  await visit(p, "/patient/notifications", "patient notifications");
  return { lines: await p.page.locator("li.notification", { hasText: "Non lue" }).count() };
}

let before;

test("patient: the notifications before the professional acts", async () => {
  await signIn(marie, PATIENT);
  const home = await homeUnread(marie);
  await inbox(marie);
  before = { home };
});

test("professional: contextual entry, two-step sign-in with a wrong code first, lands on the record", async () => {
  const { page } = doctor;
  await page.goto(BASE + MARIE);
  await page.waitForURL(/\/login\?next=/);
  await check(doctor, "login page (step 1)");
  await page.getByLabel("Identifiant").fill(DOCTOR);
  await page.getByLabel("Mot de passe").fill(PASSWORD);
  await submit(doctor, "Continuer");
  assert.equal(new URL(page.url()).pathname, "/login/code");
  await check(doctor, "code page (step 2)");
  assert.ok(await page.getByRole("heading", { name: "Code de votre application d'authentification" }).isVisible());
  assert.ok(await page.getByText("Étape 2 sur 2.").isVisible());
  assert.equal(await page.getByLabel("Mot de passe").count(), 0, "the password is not asked again");
  await screenshot(doctor, "login-code");
  // A wrong code: the same page, the error announced and tied to the field.
  const right = await freshCode(DOCTOR);
  await page.getByLabel("Code à 6 chiffres").fill(right === "000000" ? "111111" : "000000");
  await submit(doctor, "Se connecter");
  assert.equal(new URL(page.url()).pathname, "/login/code");
  await check(doctor, "code page with an error");
  assert.match(await page.getByRole("alert").textContent(), /^Code incorrect\./);
  assert.match(await page.getByLabel("Code à 6 chiffres").getAttribute("aria-describedby"), /code-error/);
  await page.getByLabel("Code à 6 chiffres").fill(right);
  await submit(doctor, "Se connecter");
  assert.match(page.url(), /\/pro\/records\/[0-9a-f-]+$/, "the contextual entry lands on the record");
  await check(doctor, "record after signing in");
  await assert.doesNotReject(page.getByRole("heading", { name: "WÉA Marie Josépha" }).waitFor());
});

test("professional: adds a document visible to the patient", async () => {
  const { page } = doctor;
  const record = new URL(page.url()).pathname;
  await page.getByRole("link", { name: "Ajouter un document" }).click();
  await page.waitForURL(/\/add$/);
  await check(doctor, "add form");
  await page.getByLabel("Type de document").selectOption("11488-4");
  await page.getByLabel("Titre").fill(TITLE);
  await page.getByLabel("Date de l'acte").fill("2026-11-21");
  await page.getByLabel("Fichier").setInputFiles({ name: "cr.txt", mimeType: "text/plain", buffer: Buffer.from("Tension contrôlée.\n") });
  await page.getByLabel(/J'ai informé le patient/).check();
  await submit(doctor, "Ajouter le document");
  assert.equal(new URL(page.url()).pathname, record);
  await check(doctor, "record after adding");
  assert.ok(await page.getByText("Document ajouté au dossier.").isVisible());
});

test("patient: sees the document and its notification, then marks all read", async () => {
  const { page } = marie;
  const home = await homeUnread(marie);
  assert.ok(home >= before.home + 1, `unread on the home page: ${before.home} → ${home}`);
  const summary = page.locator("section.notifications");
  assert.match(await summary.locator(".notification-text").first().innerText(), ADDED, "the home page lists it first");

  await inbox(marie);
  // Newest first: the first line is this document's notification (alone or with the doctor's
  // others of the day), unread, with no title.
  const first = page.locator("li.notification").first();
  assert.match((await first.locator(".notification-text").textContent()).trim(), ADDED);
  assert.ok(await first.getByText("Non lue").isVisible());
  assert.equal(await page.getByText(TITLE).count(), 0, "no medical content in the notification");
  await screenshot(marie, "patient-notifications");

  await visit(marie, "/patient/documents", "patient documents");
  assert.ok(await page.getByRole("link", { name: TITLE }).isVisible(), "the patient sees the document");

  await visit(marie, "/patient/notifications", "patient notifications");
  await submit(marie, "Tout marquer comme lu");
  await check(marie, "notifications marked read");
  assert.equal((await inbox(marie)).lines, 0, "nothing unread");
  assert.equal(await homeUnread(marie), 0, "the home page's count is gone");
});
