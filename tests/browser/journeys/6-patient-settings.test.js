// The patient's settings (Céline, whom other journeys leave as they found her): the hub, the emergency
// accesses explained and changed, blocking a professional found in the directory and unblocking
// them, the e-mail preferences, the export download; then a person who enrols for this journey
// closes her account and is signed out for good. Every change made to Céline is undone.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { person, signIn, visit, check, screenshot, submit, BASE, SUPPORT, SAMPLE_PDF, SAMPLE_PNG } from "../lib.js";

const CELINE = "celine.dk@demo.mds.nc";

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

const people = [];
async function open(name) {
  const p = await person(name);
  people.push(p);
  return p;
}
// Céline signs in once for the whole file (a TOTP step is accepted once per login).
let celineSession;
async function celine() {
  if (!celineSession) {
    celineSession = await open("patient-6");
    await signIn(celineSession, CELINE);
  }
  return celineSession;
}
after(async () => {
  for (const p of people) await p.close();
});

test("the settings hub and the emergency accesses, explained and changed", async () => {
  const c = await celine();
  const { page } = c;
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Mes réglages" }).click()]);
  await check(c, "settings hub");
  await screenshot(c, "patient-settings");
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: /Accès en cas d'urgence/ }).click()]);
  await check(c, "emergency settings");
  assert.ok(await page.getByText(/Deux accès d'urgence existent/).isVisible());
  assert.match(await page.locator("#samu-state").textContent(), /accepté/);
  assert.ok(await page.getByText(/le médecin régulateur du SAMU ne pourra pas lire votre dossier/).isVisible(), "consequence shown before");
  await screenshot(c, "patient-emergency");

  await submit(c, "Refuser l'accès du SAMU");
  await check(c, "SAMU refused");
  assert.ok(await page.getByText("Votre choix pour l'accès du SAMU est enregistré.").isVisible());
  assert.match(await page.locator("#samu-state").textContent(), /refusé/);
  assert.match(await page.locator("#break_glass-state").textContent(), /accepté/);

  // Back as it was, for the demo.
  await submit(c, "Accepter de nouveau l'accès du SAMU");
  await check(c, "SAMU accepted again");
  assert.match(await page.locator("#samu-state").textContent(), /accepté/);
});

test("blocking a professional found in the directory, then unblocking", async () => {
  const c = await celine();
  const { page } = c;
  await visit(c, "/patient/blocked", "blocked professionals (none)");
  assert.ok(await page.getByText("Vous n'avez bloqué aucun professionnel.").isVisible());
  await page.getByLabel("Nom du professionnel").fill("Hnawia");
  await submit(c, "Rechercher");
  await check(c, "directory search to block");
  assert.ok(await page.getByText(/ne pourra plus ni consulter ni alimenter votre dossier/).isVisible(), "consequence shown before");
  await submit(c, "Bloquer : Léa Hnawia");
  await check(c, "professional blocked");
  assert.ok(await page.getByText(/Le professionnel est bloqué/).isVisible());
  assert.ok(await page.locator("#blocked-list").getByText("Léa Hnawia").isVisible());
  assert.ok(await page.getByText(/Débloqué, ce professionnel retrouve les accès/).isVisible());
  await screenshot(c, "patient-blocked");
  await submit(c, "Débloquer : Léa Hnawia");
  await check(c, "professional unblocked");
  assert.ok(await page.getByText("Le professionnel est débloqué.").isVisible());
  assert.ok(await page.getByText("Vous n'avez bloqué aucun professionnel.").isVisible());
});

test("e-mail preferences: a kind sent never or in the digest, the mandatory ones explained", async () => {
  const c = await celine();
  const { page } = c;
  await visit(c, "/patient/preferences", "e-mail preferences");
  const mode = page.getByLabel("Nouveau document dans mon dossier");
  assert.equal(await mode.inputValue(), "immediate");
  assert.equal(await page.getByLabel("Accès d'urgence (bris de glace)").count(), 0, "no choice for a mandatory kind");
  assert.ok(await page.getByText(/un accès d'urgence à votre dossier vous est toujours signalé/).first().isVisible());
  await screenshot(c, "patient-preferences");
  await mode.selectOption("never");
  await submit(c, "Enregistrer mes choix");
  await check(c, "preferences saved");
  assert.ok(await page.getByText("Vos choix sont enregistrés.").isVisible());
  assert.equal(await page.getByLabel("Nouveau document dans mon dossier").inputValue(), "never");
  await page.getByLabel("Nouveau document dans mon dossier").selectOption("digest");
  await submit(c, "Enregistrer mes choix");
  assert.equal(await page.getByLabel("Nouveau document dans mon dossier").inputValue(), "digest");
  // Back as it was.
  await page.getByLabel("Nouveau document dans mon dossier").selectOption("immediate");
  await submit(c, "Enregistrer mes choix");
  assert.equal(await page.getByLabel("Nouveau document dans mon dossier").inputValue(), "immediate");
});

test("export: what it holds, then the ZIP download", async () => {
  const c = await celine();
  const { page } = c;
  await visit(c, "/patient/export", "export page");
  assert.ok(await page.getByText(/Ce que contient le fichier/).isVisible());
  await screenshot(c, "patient-export");
  const href = await page.getByRole("link", { name: "Télécharger mon dossier (ZIP)" }).getAttribute("href");
  const download = await c.context.request.get(BASE + href);
  assert.equal(download.status(), 200);
  assert.equal(download.headers()["content-type"], "application/zip");
  assert.match(download.headers()["content-disposition"], /^attachment; filename="mon-drive-sante-\d{4}-\d{2}-\d{2}\.zip"$/);
  const body = await download.body();
  assert.equal(body.subarray(0, 2).toString(), "PK");
  assert.ok(body.includes("manifest.json"));
  // Issue 18, item 10: the readable list and its printable version.
  assert.ok(body.includes("index.html") && body.includes("index.pdf"));
  // Issue 17, items 3 and 4: signed, with the history's proofs; the page says how to check it
  // and links the keys it is checked with.
  assert.ok(body.includes("signature.json") && body.includes("audit-proofs.json"));
  assert.ok(await page.getByRole("heading", { name: "Prouver que le fichier est authentique" }).isVisible());
  const keysHref = await page.getByRole("link", { name: "clés publiques de signature" }).getAttribute("href");
  const keys = await c.context.request.get(BASE + keysHref);
  assert.equal(keys.status(), 200);
  const set = await keys.json();
  assert.ok(set.keys.length >= 1 && set.keys.every((k) => k.kty === "OKP" && k.crv === "Ed25519"), JSON.stringify(set));
});

test("a new patient closes her account and is signed out for good", async () => {
  // She enrols, support validates, she activates her account (as in the support journey).
  const dir = mkdtempSync(join(tmpdir(), "mds-scans-6-"));
  const pdf = join(dir, "identite.pdf");
  const png = join(dir, "cafat.png");
  writeFileSync(pdf, SAMPLE_PDF);
  writeFileSync(png, SAMPLE_PNG);
  const noella = await open("closing");
  const { page } = noella;
  await page.goto(BASE + "/inscription");
  await page.getByLabel("Nom de naissance").fill("Hmaé");
  await page.getByLabel("Prénoms").fill("Noëlla");
  await page.getByLabel("Date de naissance").fill("1988-06-12");
  await page.getByRole("radio", { name: "Féminin" }).check();
  await page.getByLabel("Lieu de naissance").selectOption("98818");
  await page.getByLabel("Numéro CAFAT").fill("667788");
  await page.getByLabel("Adresse e-mail").fill("noella.hmae@example.nc");
  await page.getByLabel("Mot de passe", { exact: true }).fill("Lifou-Santé-2026!");
  await page.getByLabel("Pièce d'identité").setInputFiles(pdf);
  await page.getByLabel("Carte CAFAT").setInputFiles(png);
  await page.getByLabel(/J'ai lu l'information sur Mon Drive Santé/).check();
  await submit(noella, "Envoyer ma demande");
  const support = await open("support-6");
  await signIn(support, SUPPORT);
  await Promise.all([support.page.waitForNavigation(), support.page.getByRole("link", { name: /Noëlla/ }).click()]);
  await submit(support, "Valider l'inscription");
  const activation = (await support.page.locator("#enrolment-token").textContent()).trim();
  await page.goto(BASE + "/activation");
  await page.getByLabel("Code d'activation").fill(activation);
  await page.getByLabel("Nouveau mot de passe").fill("Nouveau-mot-de-passe-2026");
  await submit(noella, "Continuer");
  const secret = (await page.locator("#totp-secret").textContent()).trim();
  const step = Math.floor(Date.now() / 30000);
  await page.getByLabel("Code à 6 chiffres").fill(totp(secret, step));
  await submit(noella, "Activer mon compte");
  await page.getByLabel("Identifiant").fill("noella.hmae@example.nc");
  await page.getByLabel("Mot de passe").fill("Nouveau-mot-de-passe-2026");
  await submit(noella, "Continuer");
  assert.equal(new URL(page.url()).pathname, "/login/code");
  await page.getByLabel("Code à 6 chiffres").fill(totp(secret, step + 1));
  await submit(noella, "Se connecter");
  assert.equal(new URL(page.url()).pathname, "/patient");

  // Closing: explained, refused without the confirmation box, then done.
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Mes réglages" }).click()]);
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: /Clôturer mon compte/ }).click()]);
  await check(noella, "close page");
  assert.ok(await page.getByText(/archivé, pendant 10 ans/).isVisible());
  assert.ok(await page.getByText(/Cette suppression ne peut pas être annulée/).isVisible());
  await screenshot(noella, "patient-close");
  await submit(noella, "Clôturer mon compte");
  await check(noella, "close refused without confirmation");
  assert.ok(await page.getByRole("alert").getByText(/Confirmez la clôture/).isVisible());
  await page.getByLabel(/Je confirme mon choix/).check();
  await submit(noella, "Clôturer mon compte");
  assert.equal(new URL(page.url()).pathname, "/patient/closed");
  await check(noella, "account closed");
  assert.ok(await page.getByRole("heading", { name: "Votre compte est clôturé" }).isVisible());
  assert.equal(await page.getByRole("button", { name: "Se déconnecter" }).count(), 0, "signed out");
  await screenshot(noella, "patient-closed");
  await page.goto(BASE + "/patient");
  assert.match(new URL(page.url()).pathname, /^\/login/, "no session any more");
  await check(noella, "login after closure");
});
