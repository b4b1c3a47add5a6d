// The support console's other tasks, on the console's own demo cases (nobody else's): the
// near-duplicate review (approved), an inactive account found by its CAFAT number and
// activated (the code shown once), the care team of another inactive account changed and
// his death recorded, the pending erasures page, the structures and assistants, and an audit extraction downloaded as a CSV file.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { person, signIn, visit, check, screenshot, submit, SUPPORT } from "../lib.js";

const people = [];
after(async () => {
  for (const p of people) await p.close();
});

async function follow(p, name, what) {
  await Promise.all([p.page.waitForNavigation(), p.page.getByRole("link", { name, exact: true }).first().click()]);
  await check(p, what);
}

test("support reviews a near-duplicate, activates an account, changes a care team, records a death and extracts an audit trail", async () => {
  const support = await person("support-console");
  people.push(support);
  const { page } = support;
  await signIn(support, SUPPORT);
  await check(support, "support home");

  // The demo self-enrolment, opened by its own address.
  await follow(support, "KAPOERI Mélanie", "demo enrolment request");
  assert.equal(await page.locator("img.scan").count(), 2);

  // Near-duplicate review: the two identities side by side, then different people.
  await visit(support, "/support/identity-reviews", "identity reviews");
  assert.ok(await page.getByText("TROLLUE Simone").first().isVisible());
  assert.ok(await page.getByText("TROLUE Simone").first().isVisible());
  // Issue 18, item 9: the existing record's CAFAT, the differing traits marked on both sides
  // (birth name and CAFAT), birth places by name, « même personne » first and primary.
  assert.ok(await page.getByText("5678123").first().isVisible(), "the existing record's CAFAT");
  assert.equal(await page.locator("dd.differs").count(), 4);
  assert.ok(await page.getByText("Nouméa (98818)").first().isVisible());
  const buttons = await page.locator("section.review button").allInnerTexts();
  assert.match(buttons[0], /^Même personne/, `first button: ${buttons}`);
  assert.equal(await page.locator("section.review button.secondary").innerText(), "Personnes différentes : créer le dossier");
  await screenshot(support, "support-console-reviews");
  await page.getByLabel("Note (facultative)").fill("Deux personnes distinctes : vérifié par téléphone avec le Dr Néa.");
  await submit(support, "Personnes différentes : créer le dossier");
  await check(support, "review decided");
  assert.ok(await page.getByText("Vérification faite : le dossier est créé.").isVisible());

  // An inactive account, found by CAFAT number, activated on the patient's request.
  await visit(support, "/support/patients", "record search");
  await page.locator("#cafat").fill("4561237");
  await page.locator("#birth_date-1").fill("1964-09-12");
  await Promise.all([page.waitForNavigation(), page.locator('form[aria-labelledby="by-cafat"] button').click()]);
  await check(support, "record search results");
  await screenshot(support, "support-console-search");
  await follow(support, "WAKAINE Lucien", "record page");
  await screenshot(support, "support-console-record");
  await page.getByLabel("Adresse e-mail", { exact: true }).fill("lucien.wakaine@example.nc");
  await page.locator("#request").fill("Appel du patient, pièce vue au guichet");
  await submit(support, "Activer le compte");
  await check(support, "account activated");
  const code = (await page.locator("#activation-token").textContent()).trim();
  assert.ok(code.length > 0 && code.length <= 12, `the support code is at most 12 characters: ${code}`);
  assert.ok(await page.getByText("lucien.wakaine@example.nc").last().isVisible(), "e-mailed to the patient");
  await screenshot(support, "support-console-activation-code");

  // Audit extraction of that record, downloaded as CSV.
  await follow(support, "Retour au dossier", "record page, active");
  await follow(support, "Extraire la trace d'audit de ce dossier", "audit extraction form");
  await screenshot(support, "support-console-audit");
  await page.getByLabel("Référence de la demande de l'autorité").fill("Réquisition TPI Nouméa n° 2026-118");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Télécharger l'extraction" }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^mds-audit-.*\.csv$/);
  const csv = readFileSync(await download.path(), "utf8");
  assert.match(csv, /^seq,id,at,/);
  assert.match(csv, /patient\.activate/);

  // Another inactive account: care team changed on the family's request, then the death.
  await visit(support, "/support/patients", "record search again");
  await page.locator("#birth_name").fill("Ihage");
  await page.locator("#first_name").fill("Marcel");
  await page.locator("#birth_date-2").fill("1938-04-02");
  await page.getByRole("radio", { name: "Masculin" }).check();
  await Promise.all([page.waitForNavigation(), page.locator('form[aria-labelledby="by-traits"] button').click()]);
  await check(support, "search by traits");
  await follow(support, "IHAGE Marcel Wanesse", "inactive record with a care team");
  await page.getByLabel("Professionnel à ajouter").selectOption({ index: 0 });
  await page.locator("#add-request").fill("Lettre de la fille du patient, 20/11");
  await submit(support, "Ajouter à l'équipe de soins");
  await check(support, "care team changed");
  assert.ok(await page.getByText("L'équipe de soins est modifiée.").isVisible());
  await follow(support, "Décès, clôture et effacement", "end of life page");
  await screenshot(support, "support-console-life");
  await page.getByLabel("Date de décès").fill("2026-11-01");
  await submit(support, "Enregistrer le décès");
  await check(support, "death recorded");
  assert.ok(await page.getByText("Le décès de ce patient est enregistré.").isVisible());

  // An heir of the deceased receives the legal export of his record (issue 15, item 5).
  const recordPage = new URL(page.url()).pathname.replace(/\/[a-z-]+$/, "");
  await visit(support, recordPage, "deceased record");
  await page.getByLabel("Nom de l'ayant droit (pièce d'identité vérifiée)").fill("Lucie Ihage");
  await page.getByLabel("Lien avec la personne décédée").selectOption("child");
  await page.getByLabel("Justification vérifiée et référence de la demande").fill("Acte de notoriété n° 2026-77, CNI vue");
  await screenshot(support, "support-console-heir");
  const [heirZip] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Télécharger l'export pour l'ayant droit (ZIP)" }).click(),
  ]);
  assert.match(heirZip.suggestedFilename(), /^export-ayant-droit-mds-.*\.zip$/);

  // The erasure requests waiting for the retention job (which carries them out quickly).
  await visit(support, "/support/erasures", "pending erasures");
  await screenshot(support, "support-console-erasures");

  // The directory beyond professionals.
  await visit(support, "/support/structures", "structures and assistants");
  assert.ok(await page.getByRole("cell", { name: "TIAOU Rose" }).isVisible());
  await screenshot(support, "support-console-structures");
});
