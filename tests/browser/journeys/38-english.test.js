// English everywhere (issue 15, item 10): a patient switches the portal to English; a refused
// form says why in English; her password change (changed back at the end, so the other
// journeys keep the demo password) is told in English in her notifications and by an English
// e-mail, since her account now reads in English; her history speaks English. She switches
// back to French. Axe and CSP on every page, screenshots at phone and desktop widths.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, check, screenshot, submit, mailsTo, BASE, PASSWORD } from "../lib.js";

const CELINE = "celine.dk@demo.mds.nc";
const NEW = "Bourail-Sante-2026!";
const people = [];
after(async () => {
  for (const p of people) await p.close();
});

async function fill(page, current, next) {
  await page.getByLabel("Current password").fill(current);
  await page.getByLabel("New password", { exact: true }).fill(next);
  await page.getByLabel("New password, once more").fill(next);
}

test("the English switch shows an error, a notification and a history line in English", async () => {
  const p = await person("english");
  people.push(p);
  await signIn(p, CELINE);
  const { page } = p;
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "English" }).first().click()]);
  assert.equal(await page.locator("html").getAttribute("lang"), "en");

  await page.goto(BASE + "/password");
  await fill(page, "not-the-right-one", NEW);
  await submit(p, "Change the password");
  const error = await page.locator(".error-summary").innerText();
  assert.match(error, /current password/i, "the refusal in English");
  assert.doesNotMatch(error, /mot de passe actuel/i);
  await check(p, "an error in English");
  await screenshot(p, "english-error");

  await fill(page, PASSWORD, NEW);
  await submit(p, "Change the password");
  await fill(page, NEW, PASSWORD);
  await submit(p, "Change the password");
  const mails = await mailsTo(CELINE, /Password changed on your Mon Drive Santé account/, { count: 2 });
  assert.match(mails[0].body, /^Hello,/, "the e-mail in the account's language");

  await page.goto(BASE + "/patient/notifications");
  const notes = await page.locator(".notification-text").allInnerTexts();
  assert.ok(notes.some((t) => /The password of your Mon Drive Santé account was just changed/.test(t)), notes.join("\n"));
  assert.ok(!notes.some((t) => /Le mot de passe de votre compte/.test(t)), "no French notification text");
  await check(p, "notifications in English");
  await screenshot(p, "english-notifications");

  await page.goto(BASE + "/patient/history");
  const lines = await page.locator("main li").allInnerTexts();
  assert.ok(lines.some((t) => /(added|created|read|opened) .*your record/.test(t)), lines.join("\n"));
  assert.ok(!lines.some((t) => / a consulté | avez consulté | votre dossier/.test(t)), "no French history line:\n" + lines.join("\n"));
  await check(p, "history in English");
  await screenshot(p, "english-history");

  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Français" }).first().click()]);
  assert.equal(await page.locator("html").getAttribute("lang"), "fr");
});
