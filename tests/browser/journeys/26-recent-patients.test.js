// No wrong-patient risk (issue 18 item 6): « Patients récents » on the professional's search
// page (their own last records, from their access log) opens a record in one click; each line
// of their access log names the patient; the add-document page carries the patient banner.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, visit, check, screenshot, DOCTOR, MARIE } from "../lib.js";

const doctor = await person("doctor-26");
after(async () => {
  await doctor.close();
});

test("recent patients, names in the access log, the banner on the add form", async () => {
  const { page } = doctor;
  await signIn(doctor, DOCTOR, { from: MARIE });
  const record = new URL(page.url()).pathname;
  assert.match(record, /^\/pro\/records\//);
  await visit(doctor, "/pro", "search page with recent patients");
  const recent = page.locator("section", { has: page.getByRole("heading", { name: "Patients récents" }) });
  assert.ok(await recent.isVisible(), "« Patients récents » is shown");
  const link = recent.getByRole("link", { name: "WÉA Marie Josépha" });
  assert.equal(await link.count(), 1, "Marie once, however often opened");
  assert.equal(await recent.getByRole("link").count() <= 10, true, "at most ten");
  await screenshot(doctor, "pro-recent-patients");
  await Promise.all([page.waitForNavigation(), link.click()]);
  assert.equal(new URL(page.url()).pathname, record, "one click to the record");

  await visit(doctor, "/pro/access-log", "access log with patient names");
  assert.ok(await page.locator(".log-patient", { hasText: "WÉA Marie Josépha" }).first().isVisible());

  await visit(doctor, `${record}/add`, "add form with the banner");
  assert.match(await page.locator(".patient-banner").innerText(), /WÉA Marie Josépha[\s\S]*14\/03\/1985[\s\S]*CAFAT 1234567/);
});
