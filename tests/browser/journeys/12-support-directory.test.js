// The support console's directory forms: a support agent creates a care structure, then a
// professional working in it, and sees the one-time enrolment code to hand to that person.
// Its own data only (a unique RIDET and login per run), so no other journey is affected.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, visit, check, submit, SUPPORT } from "../lib.js";

const people = [];
after(async () => {
  for (const p of people) await p.close();
});

test("support creates a structure, then a professional in it, and sees the enrolment code once", async () => {
  const support = await person("support-directory");
  people.push(support);
  const { page } = support;
  const run = String(Date.now()).slice(-6);
  const ridet = `9${run}.001`;
  const login = `pro.${run}@test.mds.nc`;
  await signIn(support, SUPPORT);

  await visit(support, "/support/structures", "structures and assistants");
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Nouvelle structure" }).click()]);
  await check(support, "new structure form");
  await page.getByLabel("Nom de la structure").fill(`Cabinet du Récif ${run}`);
  await page.getByLabel("Numéro RIDET").fill(ridet);
  await page.getByLabel("Type de structure").selectOption("practice");
  await page.getByLabel("Commune").selectOption("98818");
  await submit(support, "Créer la structure");
  await check(support, "structure created");
  assert.match(await page.getByRole("status").innerText(), /Structure créée/);

  await Promise.all([
    page.waitForNavigation(),
    page.getByRole("link", { name: "Ajouter un professionnel dans cette structure" }).click(),
  ]);
  await check(support, "new professional form");
  await page.getByLabel("Nom", { exact: true }).fill("Wénisso");
  await page.getByLabel("Prénom", { exact: true }).fill("Léa");
  await page.getByLabel("Identifiant de connexion").fill(login);
  await page.getByLabel("Profession", { exact: true }).selectOption("infirmier");
  await page.getByLabel("Identifiant professionnel (RPPS)").fill(`81${run}`);
  const chosen = await page.getByLabel("Structures d'exercice").evaluate((s) => [...s.selectedOptions].map((o) => o.text));
  assert.deepEqual(chosen, [`Cabinet du Récif ${run}`], "the new structure is preselected");
  await submit(support, "Créer le professionnel");
  await check(support, "professional created");
  const token = (await page.locator("#enrolment-token").innerText()).trim();
  assert.ok(token.length > 0 && token.length <= 12, `enrolment code shown, at most 12 characters: ${token}`);
  assert.match(await page.locator("#token-hint").innerText(), /Remettez ce code/);

  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Voir la fiche du professionnel" }).click()]);
  await check(support, "new professional's page");
  assert.match(await page.locator("h2").first().innerText(), /WÉNISSO Léa/);
  assert.ok(!(await page.content()).includes(token), "the code is not shown again");
});
