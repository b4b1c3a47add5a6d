// Passkeys as a second factor (issue 15): a midwife registers a passkey with Chromium's
// virtual authenticator (WebAuthn through the debugging protocol: CTAP2, internal transport,
// user verification), is told by e-mail, signs out, then signs in with her password and the
// passkey instead of the 6-digit code; finally she removes it (told again). The journey runs
// on `localhost`: a WebAuthn relying party is a domain, and the service serves its loopback
// address as `localhost` for passkeys.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, check, screenshot, submit, mailsTo, MIDWIFE, PASSWORD, BASE } from "../lib.js";

const LOCAL = BASE.replace("127.0.0.1", "localhost");
const people = [];
after(async () => {
  for (const p of people) await p.close();
});

test("a professional registers a passkey and signs in with it", async (t) => {
  assert.notEqual(LOCAL, BASE, "the service is served on a loopback address");
  const p = await person("passkey");
  people.push(p);
  const { page } = p;
  const cdp = await p.context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });

  await signIn(p, MIDWIFE, { base: LOCAL });
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Clés d'accès" }).first().click()]);
  assert.equal(new URL(page.url()).pathname, "/passkeys");
  assert.match(await page.locator("main").innerText(), /Aucune clé d'accès/);
  await check(p, "passkeys page");
  await screenshot(p, "passkeys-empty");

  await page.getByLabel("Nom de la clé").fill("Ordinateur du cabinet");
  await page.getByLabel("Mot de passe actuel").fill(PASSWORD);
  await submit(p, "Ajouter la clé d'accès");
  assert.equal(new URL(page.url()).pathname, "/passkeys");
  assert.match(await page.locator(".notice").innerText(), /La clé d'accès est ajoutée/);
  const row = page.locator("main table tbody tr");
  assert.equal(await row.count(), 1);
  assert.match(await row.innerText(), /Ordinateur du cabinet/);
  assert.match(await row.innerText(), /jamais/, "not used yet");
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  assert.equal(credentials.length, 1, "the authenticator holds the new credential");
  await check(p, "passkey added");
  await screenshot(p, "passkeys-added");
  const added = await mailsTo(MIDWIFE, /Nouvelle clé d'accès/);
  t.diagnostic(`told: « ${added[0].subject} »`);

  await submit(p, "Se déconnecter");
  await page.goto(`${LOCAL}/login`);
  await page.getByLabel("Identifiant").fill(MIDWIFE);
  await page.getByLabel("Mot de passe").fill(PASSWORD);
  await submit(p, "Continuer");
  assert.equal(new URL(page.url()).pathname, "/login/code");
  const use = page.getByRole("button", { name: "Utiliser ma clé d'accès" });
  assert.ok(await use.isVisible(), "the passkey is offered beside the code");
  await check(p, "code page with a passkey");
  await screenshot(p, "signin-passkey");
  await Promise.all([page.waitForNavigation(), use.click()]);
  assert.doesNotMatch(new URL(page.url()).pathname, /^\/login/, "signed in with the passkey, no code typed");
  const after = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  assert.ok(after.credentials[0].signCount >= 1, "the authenticator signed");

  await page.goto(`${LOCAL}/passkeys`);
  assert.doesNotMatch(await row.innerText(), /jamais/, "its last use is shown");
  await submit(p, "Retirer Ordinateur du cabinet");
  assert.match(await page.locator(".notice").innerText(), /La clé d'accès est retirée/);
  assert.equal(await page.locator("main table").count(), 0);
  await mailsTo(MIDWIFE, /Clé d'accès retirée/);
  await check(p, "passkey removed");
});
