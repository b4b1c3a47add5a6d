// The header on a phone (390 × 844): brand and a « Menu » disclosure on one line, at most
// 64 px high, for patients, professionals and support; the menu opens without JavaScript and
// leads to every section. On a desktop (1280 × 800) the whole navigation is shown and the
// menu is not.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, visit, screenshot, BASE, DOCTOR, PATIENT, SUPPORT } from "../lib.js";

const PHONE = { width: 390, height: 844 };
const people = [];
after(async () => {
  for (const p of people) await p.close();
});

async function headerHeight(page) {
  return page.evaluate(() => document.querySelector("header.top").getBoundingClientRect().height);
}

/** Signs `login` in on a phone, checks the header on `home`, then reaches `section` (a
 * navigation entry) through the menu. */
async function phoneJourney(t, name, login, home, section, sectionPath) {
  const p = await person(name, PHONE);
  people.push(p);
  await signIn(p, login);
  await visit(p, home, `${name} home on a phone`);
  const { page } = p;
  const height = await headerHeight(page);
  assert.ok(height <= 64, `${name}: header ${height} px high on a phone (at most 64)`);
  t.diagnostic(`${name}: header ${height} px high at 390 × 844`);
  const menu = page.getByText("Menu", { exact: true });
  assert.ok(await menu.isVisible(), `${name}: the Menu button is shown`);
  assert.equal(await page.getByRole("link", { name: section }).count(), 0, "the navigation is folded");
  assert.equal(await page.getByRole("button", { name: "Se déconnecter" }).count(), 0, "sign-out is in the menu");
  await screenshot(p, `header-${name}`);
  await menu.click();
  assert.ok(await page.getByRole("button", { name: "Se déconnecter" }).isVisible(), "sign-out in the open menu");
  await visit(p, home, `${name} home, menu`); // axe on the page (menu closed again by the reload)
  await menu.click();
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: section }).click()]);
  assert.equal(new URL(page.url()).pathname, sectionPath);
  assert.ok((await headerHeight(page)) <= 64, `${name}: header on ${sectionPath}`);
  // The same page on a desktop: the whole navigation, no menu.
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.ok(await page.getByRole("link", { name: section }).isVisible(), "desktop navigation shown");
  assert.equal(await page.getByText("Menu", { exact: true }).isVisible(), false, "no menu on a desktop");
}

test("patient: a one-line header on a phone, the menu leads to the history", async (t) => {
  await phoneJourney(t, "patient", PATIENT, "/patient", "Historique", "/patient/history");
});

test("professional: a one-line header on a phone", async (t) => {
  await phoneJourney(t, "professional", DOCTOR, "/pro", "Mon journal d'accès", "/pro/access-log");
});

test("support: a one-line header on a phone (it had nine entries)", async (t) => {
  await phoneJourney(t, "support", SUPPORT, "/support", "Alertes de supervision", "/support/alerts");
});

test("public pages keep the language switch beside the brand", async () => {
  const p = await person("visitor", PHONE);
  people.push(p);
  await visit(p, "/login", "login page on a phone");
  assert.ok(await p.page.getByRole("link", { name: "English" }).isVisible());
  assert.ok((await headerHeight(p.page)) <= 64, "public header");
  assert.equal(await p.page.getByText("Menu", { exact: true }).count(), 0);
  void BASE;
});
