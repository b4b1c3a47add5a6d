// User-entered text other than titles, with script and HTML payloads: a break-glass reason
// shown in the patient's history, a name typed in the self-enrolment form and sent back with
// its error, a professional's name searched from the care team. Each time the payload is
// displayed as text and nothing executes (checked in the browser, beside the usual axe-core
// and CSP checks). Titles are covered by journeys 2 and 8, a CDA by journey 7.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { person, signIn, visit, check, submit, BASE, NURSE, SAMPLE_PDF, SAMPLE_PNG } from "../lib.js";

const CELINE = "celine.dk@demo.mds.nc";
const CELINE_RECORD = "/pro/patient?cafat=2345678&birth_date=1990-11-30";
const XSS = `<script>window.__xss=1</script><img src=x onerror="window.__xss=2"><b>gras</b>`;

const people = [];
async function open(name) {
  const p = await person(name);
  people.push(p);
  return p;
}
after(async () => {
  for (const p of people) await p.close();
});

/** Nothing of the payload ran or became markup on the current page. */
async function inert(p, what) {
  const { page } = p;
  assert.equal(await page.evaluate(() => window.__xss), undefined, `${what}: a payload ran`);
  assert.equal(await page.locator("img[src='x']").count(), 0, `${what}: an <img> was injected`);
  assert.equal(await page.locator("main b", { hasText: "gras" }).count(), 0, `${what}: <b> became markup`);
}

test("a break-glass reason with a payload is shown as text in the patient's history", async () => {
  const nurse = await open("nurse-11");
  await signIn(nurse, NURSE, { from: CELINE_RECORD });
  await check(nurse, "record view, no access");
  const field = nurse.page.getByLabel("Raison (une phrase)");
  assert.equal(await field.count(), 1, "the break-glass form is offered");
  await field.fill(`Patiente confuse ${XSS}`);
  await submit(nurse, "Ouvrir l'accès d'urgence");
  await check(nurse, "record after a break-glass with a payload");
  await inert(nurse, "record view");

  const celine = await open("celine-11");
  await signIn(celine, CELINE);
  const { page } = celine;
  await visit(celine, "/patient/history?kind=emergency", "history, emergencies");
  const line = page.locator("ul.history li", { hasText: "ouvert un accès en urgence" }).first();
  assert.ok(await line.isVisible(), "the break-glass line");
  assert.ok((await line.textContent()).includes(`motif : « Patiente confuse ${XSS} »`), "the reason, as text");
  await inert(celine, "history");
  await visit(celine, "/patient/notifications", "notifications");
  await inert(celine, "notifications");
});

test("a name with a payload typed at self-enrolment comes back as text with its error", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mds-scans-11-"));
  const pdf = join(dir, "identite.pdf");
  const png = join(dir, "cafat.png");
  writeFileSync(pdf, SAMPLE_PDF);
  writeFileSync(png, SAMPLE_PNG);
  const visitor = await open("enrol-11");
  const { page } = visitor;
  await visit(visitor, "/inscription", "enrolment form");
  await page.getByLabel("Nom de naissance").fill(XSS);
  await page.getByLabel("Prénoms").fill(XSS);
  await page.getByLabel("Date de naissance").fill("1990-04-05");
  await page.getByRole("radio", { name: "Féminin" }).check();
  await page.getByLabel("Lieu de naissance").selectOption("98818");
  await page.getByLabel("Numéro CAFAT").fill("555499");
  await page.getByLabel("Adresse e-mail").fill("xss@example.nc");
  await page.getByLabel("Mot de passe", { exact: true }).fill("Kanak-Santé-2026!");
  await page.getByLabel("Pièce d'identité").setInputFiles(pdf);
  await page.getByLabel("Carte CAFAT").setInputFiles(png);
  await page.getByLabel(/J'ai lu l'information sur Mon Drive Santé/).check();
  await submit(visitor, "Envoyer ma demande");
  await check(visitor, "enrolment refused");
  assert.equal(new URL(page.url()).pathname, "/inscription", "still on the form");
  assert.ok(await page.getByRole("alert").first().isVisible(), "the refusal is announced");
  assert.equal(await page.getByLabel("Nom de naissance").inputValue(), XSS, "what was typed is kept, as text");
  await inert(visitor, "enrolment form");
});

test("a professional's name with a payload searched from the care team is shown as text", async () => {
  const celine = await open("celine-11-team");
  await signIn(celine, CELINE);
  const { page } = celine;
  await visit(celine, "/patient/care-team", "care team");
  await page.getByLabel("Nom du professionnel").fill(XSS);
  await submit(celine, "Rechercher");
  await check(celine, "care team search with a payload");
  assert.ok(await page.getByText("Aucun professionnel actif à ce nom").isVisible());
  assert.equal(await page.getByLabel("Nom du professionnel").inputValue(), XSS);
  await inert(celine, "care team search");
  await page.goto(BASE + "/patient/history?pro=" + encodeURIComponent(XSS));
  await check(celine, "history with a payload in its filter");
  await inert(celine, "history filter");
});
