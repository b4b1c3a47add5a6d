// A patient signs in (password + second factor), reads the latest documents, filters the
// list, opens a document and downloads it; sees their care team.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, visit, check, screenshot, submit, BASE, PATIENT } from "../lib.js";

const marie = await person("patient");
after(() => marie.close());

test("patient: login page → home → documents → document page", async () => {
  const { page } = marie;
  await page.goto(BASE + "/");
  await check(marie, "portal choice");
  await page.getByRole("link", { name: /Espace patient/ }).click();
  await page.waitForURL(/\/login\?next=/);
  await screenshot(marie, "login");
  await signIn(marie, PATIENT, { from: null });
  assert.equal(new URL(page.url()).pathname, "/patient");
  await check(marie, "patient home");
  await assert.doesNotReject(page.getByRole("heading", { name: "Bonjour Marie Wéa" }).waitFor());
  assert.ok(await page.getByRole("link", { name: "Consultation de suivi — hypertension" }).isVisible());
  await screenshot(marie, "patient-home");

  await page.getByRole("link", { name: "Mes documents" }).first().click();
  await page.waitForURL(/\/patient\/documents$/);
  await check(marie, "documents");
  const rows = await page.locator("table.docs tbody tr").count();
  assert.ok(rows >= 4, `at least the 4 demo documents, got ${rows}`);
  await page.getByLabel("Type de document").selectOption({ label: "Ordonnance" }).catch(async () => {
    // Labels of the reference list may differ slightly: choose by code.
    await page.getByLabel("Type de document").selectOption("57833-6");
  });
  await submit(marie, "Filtrer");
  await check(marie, "filtered documents");
  assert.equal(await page.locator("table.docs tbody tr").count(), 1, "one prescription");
  await screenshot(marie, "patient-documents");

  await page.getByRole("link", { name: "Ordonnance — traitement antihypertenseur" }).click();
  await page.waitForURL(/\/patient\/documents\/[0-9a-f-]+$/);
  await check(marie, "document page");
  assert.ok(await page.getByText("Jean Néa").isVisible(), "author shown");
  await screenshot(marie, "patient-document");
  const href = await page.getByRole("link", { name: "Télécharger le document" }).getAttribute("href");
  const download = await marie.context.request.get(BASE + href);
  assert.equal(download.status(), 200);
  assert.match(download.headers()["content-disposition"], /^attachment/);
  assert.match(await download.text(), /Amlodipine/);
});

test("patient: care team", async () => {
  await visit(marie, "/patient/care-team", "care team");
  assert.ok(await marie.page.getByText("médecin traitant", { exact: true }).isVisible());
  assert.ok(await marie.page.getByText("Jean Néa").isVisible());
});

test("patient: the English switch keeps the page", async () => {
  const { page } = marie;
  await visit(marie, "/patient/care-team", "care team");
  await page.getByRole("link", { name: "English" }).click();
  await page.waitForURL(/\/patient\/care-team$/);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  await check(marie, "care team in English");
  await page.getByRole("link", { name: "Français" }).click();
  await page.waitForURL(/\/patient\/care-team$/);
  assert.equal(await page.getAttribute("html", "lang"), "fr");
});
