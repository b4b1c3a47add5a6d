// The support console: a support agent finds a professional in the directory and suspends
// them with a reason; the professional's open session is refused at its next page. Uses a
// professional no other journey needs (the biologist), and reactivates them at the end.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, visit, check, screenshot, submit, BASE, SUPPORT } from "../lib.js";

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
