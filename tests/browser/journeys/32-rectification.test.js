// Rectification and limitation (issue 15 item 2), as people use them: Céline, on her phone,
// asks for the correction of her birth place (a wrong value first, kept as typed with its
// error), then limits the use of her record while the request is examined; support finds the
// request in the console's queue, compares it with the document the person showed and refuses
// it with a reason; Céline reads the answer and lifts the limitation. Her identity is left as
// it was (the journeys after this one know her by it); applying a correction and its
// duplicate check are covered by the app and web tests.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, visit, check, screenshot, submit, SUPPORT } from "../lib.js";

const CELINE = "celine.dk@demo.mds.nc";
const celine = await person("celine-32", { width: 390, height: 844 });
const support = await person("support-32");
after(async () => {
  await celine.close();
  await support.close();
});

const REASON = `Acte de naissance illisible (${Date.now()})`;

test("the patient asks a correction and limits her record", async () => {
  await signIn(celine, CELINE);
  await visit(celine, "/patient/settings", "settings hub");
  const { page } = celine;
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: /Corriger mes informations/ }).click()]);
  await check(celine, "rectification page");
  await page.getByLabel("Information à corriger").selectOption("birth_place");
  await page.getByLabel("Valeur exacte").fill("7510");
  await page.getByLabel("Message pour le support (facultatif)").fill("Je suis née dans le 1er arrondissement.");
  await submit(celine, "Envoyer ma demande");
  assert.ok(await page.locator(".error-summary").isVisible(), "the error is summarised");
  assert.equal(await page.getByLabel("Valeur exacte").inputValue(), "7510", "kept as typed");
  await check(celine, "rectification refused");
  await screenshot(celine, "patient-rectification-error");
  await page.getByLabel("Valeur exacte").fill("75101");
  await submit(celine, "Envoyer ma demande");
  assert.match(await page.locator("p.notice").innerText(), /Votre demande est envoyée/);
  assert.ok(await page.getByText("en cours d'examen").first().isVisible());

  await submit(celine, "Limiter l'utilisation de mon dossier");
  assert.match(await page.locator("#limit-state").innerText(), /limitée depuis le/);
  await check(celine, "record limited");
  await screenshot(celine, "patient-rectification-limited");
});

test("support examines the request and refuses it with a reason", async () => {
  await signIn(support, SUPPORT);
  await visit(support, "/support/rectifications", "rectification queue");
  const { page } = support;
  const row = page.locator("tr", { hasText: "75101" }).last();
  await Promise.all([page.waitForNavigation(), row.getByRole("link", { name: "Examiner" }).click()]);
  await check(support, "one rectification request");
  assert.ok(await page.getByText("« 75056 » → « 75101 »").isVisible());
  await screenshot(support, "support-rectification");
  await page.getByLabel("Motif, lu par le patient").fill(REASON);
  await submit(support, "Refuser la demande");
  assert.match(await page.locator("p.notice").innerText(), /La demande est refusée/);
  await check(support, "queue after the decision");
});

test("the patient reads the answer and lifts the limitation", async () => {
  await visit(celine, "/patient/rectification", "rectification answered");
  const { page } = celine;
  assert.ok(await page.getByText(REASON).first().isVisible(), "support's reason is shown");
  await submit(celine, "Lever la limitation");
  assert.match(await page.locator("#limit-state").innerText(), /non limitée/);
  await visit(celine, "/patient/notifications", "notifications");
  assert.ok(await page.getByText(REASON).first().isVisible(), "and told as a notification");
  await visit(celine, "/patient/preferences", "e-mail preferences");
  assert.equal(await page.getByLabel(/Chaque accès d'un professionnel/).inputValue(), "digest", "every access: daily digest by default");
  await screenshot(celine, "patient-preferences-modes");
});
