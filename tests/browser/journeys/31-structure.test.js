// The structure a professional acts from (issue 15 item 7): Dr Wamytan works at the SAMU and
// at the hospital; the header names the structure of the session and leads to the choice;
// she chooses the other one, the header follows, she opens a SAMU access to Marie's record,
// and Marie's history names the structure she chose.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, visit, check, screenshot, submit, PATIENT, MARIE } from "../lib.js";

const REGULATOR = "dr.wamytan@demo.mds.nc";
const doctor = await person("regulator-31");
const marie = await person("marie-31", { width: 390, height: 844 });
after(async () => {
  await doctor.close();
  await marie.close();
});

test("a professional in two structures picks one and the patient's history names it", async () => {
  await signIn(doctor, REGULATOR, { from: MARIE });
  const { page } = doctor;
  const record = new URL(page.url()).pathname;
  const header = page.locator("header .tools a.structure").first();
  assert.match(await header.innerText(), /^Structure :/);
  const before = await header.innerText();
  await Promise.all([page.waitForNavigation(), header.click()]);
  assert.equal(new URL(page.url()).pathname, "/pro/structure");
  await check(doctor, "structure choice");
  await screenshot(doctor, "pro-structure-choice");
  const other = page.locator("input[name=structure]:not(:checked)").first();
  const chosen = (await page.locator("fieldset label", { has: other }).innerText()).trim();
  await other.check();
  await submit(doctor, "Agir depuis cette structure");
  assert.equal(new URL(page.url()).pathname, record, "back to the record");
  const after = await page.locator("header .tools a.structure").first().innerText();
  assert.notEqual(after, before);
  assert.ok(after.includes(chosen), `${after} names ${chosen}`);

  await page.getByLabel("Référence de l'appel").fill(`SAMU-988-${String(Date.now()).slice(-6)}`);
  await submit(doctor, "Ouvrir l'accès SAMU");
  await check(doctor, "record under SAMU access");

  await signIn(marie, PATIENT);
  await visit(marie, "/patient/history", "history");
  const line = marie.page.locator("ul.history li", { hasText: "Wamytan" }).first();
  assert.ok(await line.isVisible(), "the access is in the history");
  assert.ok((await line.innerText()).includes(chosen), `the line names ${chosen}: ${await line.innerText()}`);
  await screenshot(marie, "patient-history-structure");
});
