// Account recovery (issue 15). A patient who forgot the password asks for a link from the
// sign-in page, receives it in the SMTP sink, sets a new password with the code of the
// authenticator app (a wrong code and two different entries are refused at their field), is
// told by e-mail, and signs in with the new password; the journey sets the demo password
// back. Support re-issues the activation code of a pending professional (e-mailed again), the
// professional activates the account with it, then — the phone lost — support removes the
// second factor and hands over a new code, which is not e-mailed. Own data for support's part.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, check, visit, screenshot, submit, mailsTo, freshCode, totpCode, PASSWORD, SUPPORT, BASE } from "../lib.js";

const people = [];
after(async () => {
  for (const p of people) await p.close();
});

const CELINE = "celine.dk@demo.mds.nc";
const NEW = "Pouébo-Balade-2026-récif";
const RESET = /Changer le mot de passe/;

async function fillReset(page, next, confirm, code) {
  await page.getByLabel("Nouveau mot de passe", { exact: true }).fill(next);
  await page.getByLabel("Nouveau mot de passe, une seconde fois").fill(confirm);
  await page.getByLabel("Code à 6 chiffres").fill(code);
}

test("a patient resets a forgotten password with the e-mailed link and the second factor", async (t) => {
  const p = await person("recovery");
  people.push(p);
  const { page } = p;
  await page.goto(`${BASE}/login`);
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Mot de passe oublié ?" }).click()]);
  assert.equal(new URL(page.url()).pathname, "/password/forgotten");
  await check(p, "forgotten password form");
  const before = (await mailsTo(CELINE, RESET, { count: 0 })).length;
  await page.getByLabel("Identifiant").fill(CELINE);
  await submit(p, "Recevoir le lien");
  await check(p, "link requested");
  assert.match(await page.locator(".notice").innerText(), /Si un compte correspond/);
  await screenshot(p, "recovery-requested");

  // The same words for a login that names nobody.
  await page.getByLabel("Identifiant").fill("personne@example.nc");
  await submit(p, "Recevoir le lien");
  assert.match(await page.locator(".notice").innerText(), /Si un compte correspond/);

  const mail = (await mailsTo(CELINE, RESET, { count: before + 1 })).at(-1);
  const link = mail.body.match(/(http\S+\/password\/reset\?token=\S+)/)?.[1];
  assert.ok(link, `a link in the e-mail: ${mail.body}`);
  assert.ok(link.startsWith(`${BASE}/password/reset?token=`), `the link points at this service: ${link}`);
  t.diagnostic(`e-mail « ${mail.subject} »`);

  await page.goto(link);
  await check(p, "reset form");
  await fillReset(page, NEW, `${NEW}x`, "000000");
  await submit(p, "Changer le mot de passe");
  assert.match(await page.locator(".error-summary").innerText(), /sont différentes/);
  await fillReset(page, NEW, NEW, "000000");
  await submit(p, "Changer le mot de passe");
  assert.match(await page.locator(".error-summary").innerText(), /Code incorrect/);
  assert.equal(await page.getByLabel("Code à 6 chiffres").getAttribute("aria-invalid"), "true");
  await check(p, "reset refused");
  await screenshot(p, "recovery-refused");

  await fillReset(page, NEW, NEW, await freshCode(CELINE));
  await submit(p, "Changer le mot de passe");
  assert.equal(new URL(page.url()).pathname, "/login");
  assert.match(await page.locator(".notice").innerText(), /Votre mot de passe a été changé/);
  await check(p, "password reset, sign in");

  // The link served once.
  await page.goto(link);
  await fillReset(page, PASSWORD, PASSWORD, "123456");
  await submit(p, "Changer le mot de passe");
  assert.match(await page.locator(".error-summary").innerText(), /invalide, a déjà servi ou a expiré/);
  assert.equal(await page.getByRole("link", { name: "Demander un nouveau lien" }).count(), 1);

  const told = await mailsTo(CELINE, /Mot de passe changé/);
  assert.ok(told.every((m) => !m.body.includes(NEW)), "never the password in an e-mail");

  await signIn(p, CELINE, { password: NEW });
  await visit(p, "/password", "password form");
  await page.getByLabel("Mot de passe actuel").fill(NEW);
  await page.getByLabel("Nouveau mot de passe", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Nouveau mot de passe, une seconde fois").fill(PASSWORD);
  await submit(p, "Changer le mot de passe");
  assert.match(await page.locator(".notice").innerText(), /Mot de passe changé/, "the demo password is back");
});

test("support re-issues an expired code by e-mail, then a lost second factor by hand", async (t) => {
  const support = await person("support-reissue");
  const pro = await person("pro-reissue");
  people.push(support, pro);
  const { page } = support;
  const run = String(Date.now()).slice(-6);
  const login = `reissue.${run}@test.mds.nc`;
  await signIn(support, SUPPORT);
  await visit(support, "/support/professionals/new", "new professional form");
  await page.getByLabel("Nom", { exact: true }).fill("Poédi");
  await page.getByLabel("Prénom", { exact: true }).fill("Jules");
  await page.getByLabel("Identifiant de connexion").fill(login);
  await page.getByLabel("Adresse électronique").fill(login);
  await page.getByLabel("Profession", { exact: true }).selectOption("infirmier");
  await page.getByLabel("Identifiant professionnel (RPPS)").fill(`82${run}`);
  await page.getByLabel("Structures d'exercice").selectOption({ index: 0 });
  await submit(support, "Créer le professionnel");
  const first = (await page.locator("#enrolment-token").innerText()).trim();
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Voir la fiche du professionnel" }).click()]);
  const profile = page.url();

  // An expired (or lost) activation code: a new one, e-mailed again.
  await page.getByLabel("Vérification d'identité faite").fill("Appel au dispensaire, RPPS comparé à l'annuaire");
  await submit(support, "Émettre un nouveau code");
  await check(support, "code re-issued");
  assert.match(await page.getByRole("status").innerText(), /Nouveau code d'activation émis/);
  const second = (await page.locator("#enrolment-token").innerText()).trim();
  assert.notEqual(second, first);
  assert.match(await page.locator("main").innerText(), /aussi été envoyé par e-mail/);
  const codes = await mailsTo(login, /code d'activation/, { count: 2 });
  assert.ok(codes.some((m) => m.body.includes(second)), "the new code is e-mailed");
  await screenshot(support, "reissue-expired");

  // The professional activates the account with it.
  const pp = pro.page;
  await pp.goto(`${BASE}/activation`);
  await pp.getByLabel("Code d'activation").fill(first);
  await pp.getByLabel("Nouveau mot de passe").fill(NEW);
  await submit(pro, "Continuer");
  assert.match(await pp.locator("main").innerText(), /invalide ou a expiré/, "the first code no longer works");
  await pp.getByLabel("Code d'activation").fill(second);
  await pp.getByLabel("Nouveau mot de passe").fill(NEW);
  await submit(pro, "Continuer");
  const secret = (await pp.locator("#totp-secret").innerText()).trim();
  await pp.getByLabel("Code à 6 chiffres").fill(totpCode(secret));
  await submit(pro, "Activer mon compte");
  t.diagnostic(`activated: ${pp.url()}`);

  // The phone is lost: support checks, removes the second factor, hands a code over.
  await page.goto(profile);
  await page.getByLabel("Vérification d'identité faite").fill("Carte professionnelle présentée au guichet, annuaire comparé");
  await submit(support, "Émettre un nouveau code");
  await check(support, "second factor removed");
  assert.match(await page.getByRole("status").innerText(), /Second facteur supprimé/);
  assert.match(await page.locator("main").innerText(), /n'est pas envoyé par e-mail/);
  const third = (await page.locator("#enrolment-token").innerText()).trim();
  await screenshot(support, "reissue-lost-factor");
  const told = await mailsTo(login, /Second facteur réinitialisé/);
  assert.equal(told.length, 1, "the account is told");
  const all = await mailsTo(login, /./, { count: 0 });
  assert.ok(all.every((m) => !m.body.includes(third)), "the code handed over is in no e-mail");
});
