// The signed form of an in-person consent attached afterwards (issue 15, item 7): a SAMU
// doctor outside the care team of an inactive record (no portal account) attests the patient's
// consent given in person without the scan at hand; the record's page then offers to attach
// the signed form, which is kept for support only, and stops offering it once attached.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, check, screenshot, submit, BASE, SAMPLE_PNG } from "../lib.js";

const COLLECTOR = "dr.wamytan@demo.mds.nc";
const JOSEPH = "/pro/patient?cafat=7654321&birth_date=1952-07-02";
const people = [];
after(async () => {
  for (const p of people) await p.close();
});

test("a professional attaches the signed form of an in-person consent", async () => {
  const p = await person("consent-form");
  people.push(p);
  const { page } = p;
  await page.goto(BASE + JOSEPH);
  await page.waitForURL(/\/login\?next=/);
  await signIn(p, COLLECTOR, { from: null });
  assert.match(page.url(), /\/pro\/records\/[0-9a-f-]+$/);
  await page.getByLabel("Objet de la demande").fill("Suivi après hospitalisation");
  await page.locator("#attests").check();
  await submit(p, "Envoyer la demande");
  const title = page.getByRole("heading", { name: "Joindre le formulaire de consentement signé" });
  assert.ok(await title.isVisible(), "the record offers to attach the form");
  await check(p, "record with a form to attach");
  await screenshot(p, "pro-consent-form");

  await page.getByLabel("Formulaire signé (PDF, JPEG ou PNG)").setInputFiles({
    name: "consentement-signe.png",
    mimeType: "image/png",
    buffer: SAMPLE_PNG,
  });
  await submit(p, "Joindre le formulaire");
  assert.match(await page.locator(".notice").innerText(), /formulaire de consentement signé est joint/);
  assert.equal(await title.count(), 0, "no longer offered");
  await check(p, "form attached");
});
