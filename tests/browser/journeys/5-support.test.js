// The support console: a person enrols with scans, support validates after comparing them
// with the traits, the person activates the account (password, authenticator) and signs in;
// a support agent suspends a professional (the biologist, whom no other journey needs) and
// that professional's open session is refused at its next page; supervision alerts page.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { person, signIn, visit, check, screenshot, submit, BASE, SUPPORT, SAMPLE_PDF, SAMPLE_PNG } from "../lib.js";

/** RFC 6238 code of a base32 secret at a 30-second step (what an authenticator app shows). */
function totp(secretB32, step) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secretB32.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac("sha1", key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1000000).padStart(6, "0");
}

const BIOLOGIST = "bio.tein@demo.mds.nc";

const people = [];
async function open(name) {
  const p = await person(name);
  people.push(p);
  return p;
}
after(async () => {
  for (const p of people) await p.close();
});

test("a person enrols with scans, support validates, the person activates the account and signs in", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mds-scans-"));
  const pdf = join(dir, "identite.pdf");
  const png = join(dir, "cafat.png");
  writeFileSync(pdf, SAMPLE_PDF);
  writeFileSync(png, SAMPLE_PNG);

  const josiane = await open("enrolling");
  const { page } = josiane;
  await visit(josiane, "/", "portal choice");
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: /Créer mon dossier/ }).click()]);
  await check(josiane, "enrolment form");
  await page.getByLabel("Nom de naissance").fill("Poindi");
  await page.getByLabel("Prénoms").fill("Josiane");
  await page.getByLabel("Date de naissance").fill("1990-04-05");
  // Nothing is chosen for the person (issue 18): no sex checked, no commune selected.
  assert.equal(await page.getByRole("radio", { name: "Féminin" }).isChecked(), false, "no sex preselected");
  assert.equal(await page.getByRole("radio", { name: "Masculin" }).isChecked(), false, "no sex preselected");
  assert.equal(await page.getByLabel("Lieu de naissance").inputValue(), "", "no commune preselected");
  await page.getByRole("radio", { name: "Féminin" }).check();
  await page.getByLabel("Lieu de naissance").selectOption("98818");
  await page.getByLabel("Numéro CAFAT").fill("555444");
  await page.getByLabel("Adresse e-mail").fill("josiane.poindi@example.nc");
  await page.getByLabel("Mot de passe", { exact: true }).fill("Kanak-Santé-2026!");
  await page.getByLabel("Pièce d'identité").setInputFiles(pdf);
  await page.getByLabel("Carte CAFAT").setInputFiles(png);
  await page.getByLabel(/J'ai lu l'information sur Mon Drive Santé/).check();
  await screenshot(josiane, "enrolment-form");
  await submit(josiane, "Envoyer ma demande");
  await check(josiane, "enrolment sent");
  const tracking = (await page.locator("#status-token").textContent()).trim();
  assert.ok(tracking.length > 10, "a tracking number is shown");

  const support = await open("support-enrol");
  await signIn(support, SUPPORT);
  await check(support, "support console");
  await Promise.all([support.page.waitForNavigation(), support.page.getByRole("link", { name: "POINDI Josiane" }).click()]);
  await check(support, "enrolment request");
  assert.ok(await support.page.getByText("555444").isVisible());
  const shown = await support.page.locator("img.scan").evaluate((img) => img.complete);
  assert.ok(shown, "the scan image is served to support");
  await screenshot(support, "support-enrolment");
  await submit(support, "Valider l'inscription");
  await check(support, "enrolment validated");
  const activation = (await support.page.locator("#enrolment-token").textContent()).trim();
  // Issue 18, item 9: a short code in groups, read out or typed, also e-mailed.
  assert.ok(activation.length <= 12, `the support code is at most 12 characters: ${activation}`);
  assert.match(activation, /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}$/);
  assert.ok(await support.page.getByText("Il a aussi été envoyé par e-mail à").isVisible());
  await screenshot(support, "support-activation-code");

  await page.goto(BASE + "/inscription/suivi");
  await check(josiane, "tracking form");
  await page.getByLabel("Numéro de suivi").fill(tracking);
  await submit(josiane, "Voir l'état de ma demande");
  await check(josiane, "tracking answer");
  assert.match(await page.locator("#status").textContent(), /validée/);

  await page.goto(BASE + "/activation");
  await check(josiane, "activation");
  // Typed as a person might: lower case, spaces for hyphens.
  await page.getByLabel("Code d'activation").fill(activation.toLowerCase().replace(/-/g, " "));
  await page.getByLabel("Nouveau mot de passe").fill("Nouveau-mot-de-passe-2026");
  await screenshot(josiane, "activation-code-typed");
  await submit(josiane, "Continuer");
  await check(josiane, "authenticator set-up");
  const secret = (await page.locator("#totp-secret").textContent()).trim();
  const step = Math.floor(Date.now() / 30000);
  await page.getByLabel("Code à 6 chiffres").fill(totp(secret, step));
  await submit(josiane, "Activer mon compte");
  assert.match(new URL(page.url()).pathname, /^\/login/);
  await check(josiane, "login after activation");
  await page.getByLabel("Identifiant").fill("josiane.poindi@example.nc");
  await page.getByLabel("Mot de passe").fill("Nouveau-mot-de-passe-2026");
  await submit(josiane, "Continuer");
  assert.equal(new URL(page.url()).pathname, "/login/code");
  await check(josiane, "code page after activation");
  await page.getByLabel("Code à 6 chiffres").fill(totp(secret, step + 1));
  await submit(josiane, "Se connecter");
  assert.equal(new URL(page.url()).pathname, "/patient");
  await check(josiane, "new patient's home");
});

test("support: supervision alerts page", async () => {
  const support = await open("support-alerts");
  await signIn(support, SUPPORT);
  await Promise.all([support.page.waitForNavigation(), support.page.getByRole("link", { name: "Alertes de supervision" }).click()]);
  await check(support, "open alerts");
  await visit(support, "/support/alerts?state=reviewed", "reviewed alerts");
});

test("a support agent suspends a professional: their open session is refused at the next page", async () => {
  const bio = await open("biologist");
  await signIn(bio, BIOLOGIST);
  await visit(bio, "/pro", "professional before suspension");

  const support = await open("support-5");
  const { page } = support;
  await signIn(support, SUPPORT);
  await page.getByRole("link", { name: "Annuaire des professionnels" }).click();
  await page.waitForURL(/\/support\/professionals/);
  await check(support, "directory");
  await page.getByLabel("Nom ou prénom").fill("Tein");
  await submit(support, "Rechercher");
  await check(support, "directory search");
  await screenshot(support, "support-directory");
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "TEIN Hélène" }).click()]);
  await check(support, "professional page");
  assert.ok(await page.getByText("Toutes ses sessions sont fermées immédiatement").isVisible());
  await page.getByLabel("Motif (tracé dans le journal)").fill("Usurpation d'identité signalée par l'Ordre");
  await submit(support, "Suspendre ce compte");
  await check(support, "professional suspended");
  assert.equal(await page.locator("#state").textContent(), "suspendu");
  await screenshot(support, "support-suspended");

  // The biologist's browser still holds its session cookie: the next page sends it to sign in.
  await bio.page.goto(BASE + "/pro");
  assert.match(new URL(bio.page.url()).pathname, /^\/login/, "the suspended session is refused");
  await check(bio, "login after suspension");

  // Reactivation, so that the demo stays whole.
  await page.getByLabel("Motif (tracé dans le journal)").fill("Vérification faite auprès de l'Ordre");
  await submit(support, "Réactiver ce compte");
  await check(support, "professional reactivated");
  assert.equal(await page.locator("#state").textContent(), "actif");
});
