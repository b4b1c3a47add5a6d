// Legal representatives (issue 15, item 5): support records Céline as the curator of Joseph
// Poigoune (a record without an account) on the record's page, with the judgment attached;
// Céline is told by e-mail, finds Joseph on her home page, acts for him — every page says so —,
// reads his documents and his history, then goes back to her own record; support ends it. Axe and CSP on every
// page, screenshots at phone and desktop widths.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, check, screenshot, submit, mailsTo, BASE, SAMPLE_PDF, SUPPORT } from "../lib.js";

const CELINE = "celine.dk@demo.mds.nc";
const people = [];
after(async () => {
  for (const p of people) await p.close();
});

function inDays(days) {
  const d = new Date(Date.now() + days * 86400000 + 11 * 3600000); // Nouméa's date
  const two = (n) => String(n).padStart(2, "0");
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

test("support records a curator, who then acts for the person", async () => {
  const s = await person("representatives-support");
  people.push(s);
  await signIn(s, SUPPORT);
  await s.page.goto(BASE + "/support/patients?cafat=7654321&birth_date=1952-07-02");
  await Promise.all([s.page.waitForNavigation(), s.page.getByRole("link", { name: /POIGOUNE/ }).first().click()]);
  await check(s, "record page with the representatives section");
  const section = s.page.locator("form[action$='/representatives']");
  await section.getByLabel(/Identifiant du compte patient du représentant/).fill(CELINE);
  await section.getByLabel("Curateur (majeur sous curatelle)").check();
  await section.getByLabel("Dernier jour", { exact: true }).fill(inDays(60));
  await section.getByLabel(/Document légal/).setInputFiles({ name: "jugement.pdf", mimeType: "application/pdf", buffer: SAMPLE_PDF });
  await section.getByLabel("Référence de la demande").fill("Demande 2026-204, jugement de curatelle");
  await Promise.all([s.page.waitForNavigation(), section.getByRole("button", { name: "Enregistrer un représentant légal" }).click()]);
  assert.match(await s.page.locator(".notice").innerText(), /représentant légal est enregistré/);
  assert.ok(await s.page.locator("#representatives + .table-wrap, #representatives ~ .table-wrap").first().getByText("curateur").isVisible());
  await check(s, "record page after recording");
  await screenshot(s, "support-representatives");
  const [mail] = await mailsTo(CELINE, /Représentation légale enregistrée/);
  assert.doesNotMatch(mail.body, /Poigoune/, "the e-mail names no one");

  const c = await person("representatives-celine");
  people.push(c);
  await signIn(c, CELINE);
  const people_ = c.page.locator("section[aria-labelledby='represented-title']");
  assert.match(await people_.innerText(), /Joseph Poigoune/);
  await check(c, "home with the people represented");
  await screenshot(c, "patient-represented-people");
  await Promise.all([c.page.waitForNavigation(), people_.getByRole("button", { name: "Agir pour Joseph Poigoune" }).click()]);
  assert.match(await c.page.locator(".acting-for").innerText(), /Vous agissez pour Joseph Poigoune/);
  await c.page.goto(BASE + "/patient/documents");
  assert.match(await c.page.locator(".acting-for").innerText(), /représentant légal/);
  await check(c, "Joseph's documents, acting for him");
  await screenshot(c, "patient-acting-for");
  await c.page.goto(BASE + "/patient/history");
  await check(c, "Joseph's history, acting for him");
  await c.page.goto(BASE + "/patient/close");
  assert.match(await c.page.locator("main").innerText(), /Ces démarches concernent votre propre dossier/);
  await check(c, "an own-account page, refused while acting for someone");
  await c.page.goto(BASE + "/patient");
  await Promise.all([c.page.waitForNavigation(), c.page.getByRole("button", { name: "Revenir à mon dossier" }).click()]);
  assert.equal(await c.page.locator(".acting-for").count(), 0);
  await check(c, "back to her own record");

  // Support ends it (journey 6 counts on Céline being left as she was).
  await s.page.reload();
  await Promise.all([s.page.waitForNavigation(), s.page.getByRole("button", { name: /Mettre fin à la représentation/ }).click()]);
  assert.match(await s.page.locator(".notice").innerText(), /La représentation a pris fin/);
  await check(s, "record page after ending");
  await c.page.goto(BASE + "/patient");
  assert.equal(await c.page.locator("section[aria-labelledby='represented-title']").count(), 0);
});
