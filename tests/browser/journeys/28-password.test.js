// Changing one's password while signed in (issue 15): the « Mot de passe » link beside
// sign-out leads to the form; a wrong current password and two different new entries are
// refused with the message at the field and in the summary (passwords never shown again); a
// change says that the other sessions were closed. The journey changes the password back at
// the end, so the other journeys keep the demo password. « Vos droits » (issue 15 item 4) is
// reached from the footer and linked from self-enrolment.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, check, visit, screenshot, submit, ASSISTANT, PASSWORD, BASE } from "../lib.js";

const people = [];
after(async () => {
  for (const p of people) await p.close();
});

async function fill(page, current, next, confirm) {
  await page.getByLabel("Mot de passe actuel").fill(current);
  await page.getByLabel("Nouveau mot de passe", { exact: true }).fill(next);
  await page.getByLabel("Nouveau mot de passe, une seconde fois").fill(confirm);
}

test("an assistant changes their password, then changes it back", async (t) => {
  const p = await person("password");
  people.push(p);
  await signIn(p, ASSISTANT);
  const { page } = p;
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Mot de passe" }).first().click()]);
  assert.equal(new URL(page.url()).pathname, "/password");
  await check(p, "password form");

  await fill(page, "pas-le-bon-mot-de-passe", "Koumac-Santé-2026!", "Koumac-Santé-2026!");
  await submit(p, "Changer le mot de passe");
  const summary = page.locator(".error-summary");
  assert.match(await summary.innerText(), /Le mot de passe actuel est incorrect/);
  assert.equal(await page.getByLabel("Mot de passe actuel").getAttribute("aria-invalid"), "true");
  assert.equal(await page.getByLabel("Mot de passe actuel").inputValue(), "", "never shown again");
  await check(p, "password refused");
  await screenshot(p, "password-refused");

  await fill(page, PASSWORD, "Koumac-Santé-2026!", "Koumac-Sante-2026!");
  await submit(p, "Changer le mot de passe");
  assert.match(await summary.innerText(), /sont différentes/);

  await fill(page, PASSWORD, "Koumac-Santé-2026!", "Koumac-Santé-2026!");
  await submit(p, "Changer le mot de passe");
  const notice = await page.locator(".notice").innerText();
  assert.match(notice, /Mot de passe changé/);
  t.diagnostic(`after the change: « ${notice} »`);
  await check(p, "password changed");
  await screenshot(p, "password-changed");

  await fill(page, "Koumac-Santé-2026!", PASSWORD, PASSWORD);
  await submit(p, "Changer le mot de passe");
  assert.match(await page.locator(".notice").innerText(), /Mot de passe changé/, "changed back");
});

test("« Vos droits » is linked from every page's footer and from self-enrolment", async () => {
  const p = await person("rights");
  people.push(p);
  const { page } = p;
  await page.goto(`${BASE}/login`);
  await Promise.all([page.waitForNavigation(), page.locator("footer").getByRole("link", { name: "Vos droits" }).click()]);
  assert.equal(new URL(page.url()).pathname, "/droits");
  await check(p, "rights page");
  const text = await page.locator("main").innerText();
  for (const words of ["numéro CAFAT", "Rectification", "Limitation", "Opposition", "Effacement", "Portabilité", "72 heures"]) {
    assert.ok(text.includes(words), `the rights page names: ${words}`);
  }
  await screenshot(p, "rights");
  await visit(p, "/inscription", "self-enrolment");
  assert.ok(await page.locator("main a[href='/droits']").count() >= 1, "self-enrolment links the rights before anything is sent");
  assert.equal(await page.locator("label[for=informed_of_rights] a[href='/droits']").count(), 1, "the box saying it was read links the page");
  assert.equal(await page.getByLabel(/J'ai lu l'information sur Mon Drive Santé/).getAttribute("required"), "", "reading it is required");
});
