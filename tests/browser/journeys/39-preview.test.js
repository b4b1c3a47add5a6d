// « Voir mon dossier comme un professionnel » (issue 17, item 1): Marie opens it from her care
// team for Dr Néa and sees each document shown with its rule in words; she then finds the
// nurse Kaloï in the directory (typed « kaloi »: the search folds accents and case) and sees
// what an emergency (break-glass) would show — a simulation: the nurse is not told and nothing
// opens. Her history names the simulation, in words (among her own actions). Axe and CSP on
// every page, screenshots at desktop and phone widths. Leaves the record as it was (a preview
// changes nothing but the audit).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, check, screenshot, BASE, PATIENT } from "../lib.js";

const people = [];
after(async () => {
  for (const p of people) await p.close();
});

test("the patient sees her record as a professional would", async () => {
  const m = await person("preview-patient");
  people.push(m);
  await signIn(m, PATIENT);
  await m.page.goto(BASE + "/patient/care-team");
  await Promise.all([m.page.waitForNavigation(), m.page.getByRole("link", { name: /Voir ce qu'il voit : .*Néa/ }).click()]);
  const result = m.page.locator("section[aria-labelledby='result-title']");
  assert.match(await result.innerText(), /Ce que verrait Jean Néa/);
  assert.match(await result.innerText(), /Visible : ce professionnel est membre de votre équipe de soins/);
  assert.match(await result.innerText(), /Simulation : aucun accès n'a été ouvert/);
  assert.match(await result.innerText(), /Profil médical : il le verrait en entier/);
  assert.doesNotMatch(await result.innerText(), /matrix\.|habilitation\.|break_glass|care_team/, "no rule code");
  await check(m, "preview as the care team's doctor");
  await screenshot(m, "patient-preview-doctor");

  // Another professional, from the directory, in an emergency.
  await m.page.getByLabel("Nom du professionnel").fill("kaloi");
  await Promise.all([m.page.waitForNavigation(), m.page.getByRole("button", { name: "Rechercher" }).click()]);
  const nurse = await m.page.locator("#pv-pro option", { hasText: "Kaloï" }).getAttribute("value");
  await m.page.getByLabel("Professionnel", { exact: true }).selectOption(nurse);
  await m.page.getByLabel("En urgence, par un accès « bris de glace »").check();
  await Promise.all([m.page.waitForNavigation(), m.page.getByRole("button", { name: "Voir ce qu'il verrait" }).click()]);
  const text = await result.innerText();
  assert.match(text, /Ce que verrait .*Kaloï/);
  assert.match(text, /Cet accès d'urgence lui serait ouvert, et vous en seriez informé/);
  assert.match(text, /accès d'urgence \(bris de glace\)/);
  assert.match(text, /Vous opposer aux accès d'urgence/);
  assert.match(text, /Profil médical : il en verrait les informations d'urgence/);
  await check(m, "preview of an emergency access");
  await screenshot(m, "patient-preview-emergency");


  await m.page.goto(BASE + "/patient/history?who=mine");
  assert.match(await m.page.locator("main").innerText(), /Vous avez regardé ce qu'un professionnel verrait de votre dossier \(simulation, rien ne lui a été ouvert\)/);
  await check(m, "history with the simulation");
});
