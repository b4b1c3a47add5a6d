// The health profile (issue 17, item 7): Marie records an allergy and a series of weights and
// sees their chart (a value that is not a number comes back in its form with its message);
// Dr Néa, of her care team, sees them all and adds a blood pressure in his name; Dr Wamytan,
// in an emergency (break-glass, or the SAMU access an earlier journey opened), sees only the
// emergency items, allergy first; Marie's history names both reads in words. Axe and CSP on
// every page, screenshots at phone and desktop widths. Adds to Marie's profile (no earlier
// journey reads it).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, check, screenshot, submit, BASE, PATIENT, DOCTOR, MARIE } from "../lib.js";

const REGULATOR = "dr.wamytan@demo.mds.nc";
const people = [];
after(async () => {
  for (const p of people) await p.close();
});

/** The add form of one section, opened. */
async function openForm(page, summary) {
  const details = page.locator("details.add-entry", { hasText: summary });
  if (!(await details.evaluate((d) => d.open))) await details.locator("summary").click();
  return details;
}

async function addWeight(p, value, on) {
  const form = await openForm(p.page, "Ajouter une mesure");
  await form.getByLabel("Mesure", { exact: true }).selectOption("weight");
  await form.getByLabel("Valeur").fill(value);
  await form.getByLabel("Date").fill(on);
  await Promise.all([p.page.waitForNavigation(), form.getByRole("button", { name: "Ajouter" }).click()]);
}

test("the patient records an allergy and her weights, and sees the chart", async () => {
  const m = await person("profile-patient");
  people.push(m);
  await signIn(m, PATIENT);
  const { page } = m;
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Profil médical" }).first().click()]);
  assert.equal(new URL(page.url()).pathname, "/patient/profile");
  await check(m, "empty profile");
  await screenshot(m, "patient-profile-empty");

  const allergy = await openForm(page, "Ajouter une allergie ou une intolérance");
  await allergy.getByLabel("Substance ou aliment").fill("Pénicilline");
  await allergy.getByLabel("Réaction (facultatif)").fill("œdème de Quincke");
  await allergy.getByLabel("Réaction grave").check();
  await Promise.all([page.waitForNavigation(), allergy.getByRole("button", { name: "Ajouter" }).click()]);
  assert.match(await page.locator("main").innerText(), /L'information a été ajoutée à votre profil médical/);
  assert.match(await page.locator("section[aria-labelledby='profile-allergies']").innerText(), /Pénicilline, réaction grave \(œdème de Quincke\)/);

  // A value that is not a number comes back in its form, with its message, kept as typed.
  const bad = await openForm(page, "Ajouter une mesure");
  await bad.getByLabel("Valeur").fill("soixante");
  await bad.getByLabel("Date").fill("2026-10-01");
  const [response] = await Promise.all([page.waitForNavigation(), bad.getByRole("button", { name: "Ajouter" }).click()]);
  assert.equal(response.status(), 422);
  const refused = page.locator("details.add-entry[open]", { hasText: "Ajouter une mesure" });
  assert.match(await refused.getByRole("alert").innerText(), /La valeur doit être un nombre/);
  assert.equal(await refused.getByLabel("Valeur").inputValue(), "soixante");
  await check(m, "measurement refused");

  await addWeight(m, "73,5", "2026-10-01");
  await addWeight(m, "72.1", "2026-11-01");
  await addWeight(m, "71,4", "2026-12-01");
  const measures = page.locator("section[aria-labelledby='profile-measurements']");
  const chart = measures.locator("svg#chart-weight");
  assert.ok(await chart.isVisible(), "the weight chart is drawn");
  assert.match(await chart.locator("desc").textContent(), /Poids : 3 mesures, de 73,5 kg \(01\/10\/2026\) à 71,4 kg \(01\/12\/2026\)/);
  assert.equal(await chart.locator("circle").count(), 3);
  await check(m, "profile with an allergy and weights");
  await measures.scrollIntoViewIfNeeded();
  await screenshot(m, "patient-profile-chart");
});

test("the care team's doctor sees the profile and adds a blood pressure", async () => {
  const d = await person("profile-doctor");
  people.push(d);
  await signIn(d, DOCTOR, { from: MARIE });
  const { page } = d;
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: /Profil médical/ }).click()]);
  assert.match(new URL(page.url()).pathname, /^\/pro\/records\/[0-9a-f-]+\/profile$/);
  const main = page.locator("main");
  assert.match(await main.innerText(), /Pénicilline, réaction grave/);
  assert.ok(await main.locator("svg#chart-weight").isVisible());
  // Only vaccinations and measurements are his to add.
  assert.equal(await main.locator("details.add-entry").count(), 2);
  const form = await openForm(page, "Ajouter une mesure");
  await form.getByLabel("Mesure", { exact: true }).selectOption("blood_pressure");
  await form.getByLabel("Valeur").fill("132");
  await form.getByLabel("Diastolique (tension seulement)").fill("84");
  await form.getByLabel("Date").fill("2026-12-02");
  await Promise.all([page.waitForNavigation(), form.getByRole("button", { name: "Ajouter" }).click()]);
  assert.match(await main.innerText(), /L'information a été ajoutée au profil médical du patient/);
  assert.match(await main.innerText(), /Tension artérielle : 132\/84 mmHg, le 02\/12\/2026/);
  assert.match(await main.innerText(), /Ajouté par Jean Néa \(professionnel\)/);
  await check(d, "profile read by the care team");
  await main.locator("svg#chart-blood_pressure").scrollIntoViewIfNeeded();
  await screenshot(d, "pro-profile-care-team");
});

test("a doctor in an emergency sees the emergency items only", async () => {
  const r = await person("profile-emergency");
  people.push(r);
  await signIn(r, REGULATOR, { from: MARIE });
  const { page } = r;
  const reason = page.getByLabel("Raison (une phrase)");
  if (await reason.isVisible()) {
    await reason.fill("Patiente inconsciente amenée aux urgences, allergies à vérifier");
    await submit(r, "Ouvrir l'accès d'urgence");
  }
  assert.match(await page.locator("main").innerText(), /Votre accès : (accès d'urgence \(bris de glace\)|régulation SAMU)/);
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: /Profil médical/ }).click()]);
  const main = page.locator("main");
  const text = await main.innerText();
  assert.match(text, /seules les informations d'urgence du profil vous sont montrées/);
  assert.match(text, /Pénicilline, réaction grave/);
  assert.doesNotMatch(text, /Poids|Tension artérielle/, "no measurement in an emergency");
  const headings = await main.locator("h2").allInnerTexts();
  assert.match(headings[0], /^Allergies et intolérances/);
  assert.ok(!headings.some((h) => /Mesures|Vaccinations/.test(h)), headings.join(" | "));
  await check(r, "profile in an emergency");
  await screenshot(r, "pro-profile-emergency");
});

test("the patient's history shows both reads", async () => {
  const m = await person("profile-history");
  people.push(m);
  await signIn(m, PATIENT);
  await m.page.goto(BASE + "/patient/history");
  const text = await m.page.locator("main").innerText();
  assert.match(text, /Néa.* a consulté le profil médical de votre dossier \(accès en tant que membre de l'équipe de soins\)/);
  assert.match(text, /Wamytan.* a consulté les informations d'urgence du profil médical de votre dossier \(accès (en urgence par bris de glace|par la régulation du SAMU)/);
  assert.match(text, /Néa.* a ajouté une information au profil médical de votre dossier, rubrique « Mesures »/);
  await check(m, "history with the profile's reads");
  await screenshot(m, "patient-history-profile");
});
