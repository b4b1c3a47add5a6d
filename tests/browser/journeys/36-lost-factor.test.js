// A lost second factor (issue 15, items 1 and 8): from the forgotten-password page, a patient
// sends support a request with a photo of her identity card; the account is told by e-mail;
// support finds it in its queue (the count of pages in the navigation), opens the scan, goes
// to the record's page, and closes the request. Then support opens the directory's correction
// forms (a professional, a structure) and saves them unchanged. Axe and CSP on every page.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, check, screenshot, submit, mailsTo, BASE, SAMPLE_PNG, PATIENT, SUPPORT } from "../lib.js";

const people = [];
after(async () => {
  for (const p of people) await p.close();
});

test("a patient asks support for help after losing her phone; support closes the request", async () => {
  const p = await person("lost-factor");
  people.push(p);
  const { page } = p;
  await page.goto(BASE + "/password/forgotten");
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Demander l'aide du support" }).click()]);
  assert.equal(new URL(page.url()).pathname, "/acces-perdu");
  await check(p, "lost factor form");
  await screenshot(p, "public-lost-factor");
  await page.getByLabel("Identifiant").fill(PATIENT);
  await page.getByLabel("Ce qui s'est passé").fill("Mon téléphone est tombé dans le lagon. Joignable au 76 12 34 le matin.");
  await page.getByLabel(/Pièce d'identité/).setInputFiles({ name: "carte.png", mimeType: "image/png", buffer: SAMPLE_PNG });
  await submit(p, "Envoyer la demande au support");
  assert.match(await page.locator(".notice").innerText(), /Demande envoyée/);
  await check(p, "request sent");
  const [mail] = await mailsTo(PATIENT, /Demande d'aide pour votre compte/);
  assert.match(mail.body, /second facteur perdu/);

  const s = await person("lost-factor-support");
  people.push(s);
  await signIn(s, SUPPORT);
  await Promise.all([s.page.waitForNavigation(), s.page.getByRole("link", { name: /Seconds facteurs perdus/ }).first().click()]);
  await check(s, "support queue");
  await screenshot(s, "support-lost-factors");
  const request = s.page.locator("section.card", { hasText: "tombé dans le lagon" });
  assert.equal(await request.count(), 1, "the request is listed");
  const scan = await s.page.request.get(BASE + (await request.getByRole("link", { name: "Ouvrir la pièce d'identité" }).getAttribute("href")));
  assert.equal(scan.headers()["content-type"], "image/png");
  await Promise.all([s.page.waitForNavigation(), request.getByRole("link", { name: /Fiche du compte/ }).click()]);
  assert.match(new URL(s.page.url()).pathname, /^\/support\/patients\//);
  await check(s, "the record's page, where the code is re-issued");
  await s.page.goBack();
  await s.page.locator("section.card", { hasText: "tombé dans le lagon" }).getByLabel("Note ou motif du refus").fill("Identité vérifiée au guichet de Koné.");
  await submit(s, "Marquer comme traitée");
  assert.match(await s.page.locator(".notice").innerText(), /Demande close/);
  assert.equal(await s.page.locator("section.card", { hasText: "tombé dans le lagon" }).count(), 0);
  await check(s, "queue after closing");
});

test("support opens the directory's corrections and saves them unchanged", async () => {
  const s = await person("directory-edit");
  people.push(s);
  await signIn(s, SUPPORT);
  await s.page.goto(BASE + "/support/professionals");
  await Promise.all([s.page.waitForNavigation(), s.page.getByRole("link", { name: "KALOÏ Paul" }).click()]);
  await Promise.all([s.page.waitForNavigation(), s.page.getByRole("link", { name: "Corriger l'annuaire pour ce professionnel" }).click()]);
  await check(s, "professional correction form");
  await screenshot(s, "support-professional-edit");
  assert.equal(await s.page.locator("#profession").inputValue(), "infirmier");
  await submit(s, "Enregistrer la correction");
  assert.match(await s.page.locator(".notice").innerText(), /Correction enregistrée/);
  await check(s, "professional saved");

  await s.page.goto(BASE + "/support/structures");
  await Promise.all([s.page.waitForNavigation(), s.page.getByRole("link", { name: "Dispensaire provincial de Koné (démo) — corriger" }).click()]);
  await check(s, "structure correction form");
  await screenshot(s, "support-structure-edit");
  await submit(s, "Enregistrer la correction");
  assert.match(await s.page.locator(".notice").innerText(), /Correction enregistrée/);
  assert.ok(await s.page.getByText("Dispensaire provincial de Koné (démo)").first().isVisible());
});
