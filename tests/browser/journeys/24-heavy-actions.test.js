// Heavy actions confirmed, light actions acknowledged (issue 18 item 8): « Masquer tous mes
// documents » asks for confirmation first (nothing is masked before), « Démasquer tous » gives
// them back; masking one document answers with a message that says how to undo, and the
// focus moves to it. At 390 px, as a patient on her phone.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, visit, check, screenshot, submit } from "../lib.js";

const CELINE = "celine.dk@demo.mds.nc";
const celine = await person("patient-24", { width: 390, height: 844 });
after(async () => {
  await celine.close();
});

async function rowCount(page) {
  return page.locator("table.docs tbody tr").count();
}

test("« Masquer tous » asks first, « Démasquer tous » gives back", async () => {
  const { page } = celine;
  await signIn(celine, CELINE);
  await visit(celine, "/patient/documents", "documents");
  const rows = await rowCount(page);
  assert.ok(rows > 0, "Céline has documents");
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Masquer tous mes documents" }).click()]);
  assert.equal(new URL(page.url()).pathname, "/patient/documents/mask-all");
  await check(celine, "mask-all confirmation");
  assert.ok(await page.getByRole("heading", { name: "Masquer tous vos documents ?" }).isVisible());
  await screenshot(celine, "patient-mask-all-confirm");
  // Changing one's mind masks nothing.
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Non, revenir à mes documents" }).click()]);
  const first = page.locator("table.docs tbody tr a").first();
  await Promise.all([page.waitForNavigation(), first.click()]);
  assert.ok(await page.getByRole("button", { name: "Masquer ce document aux professionnels" }).isVisible(), "nothing masked");
  await visit(celine, "/patient/documents/mask-all", "mask-all confirmation again");
  await submit(celine, "Oui, masquer tous mes documents");
  await check(celine, "documents, all masked");
  const notice = page.locator("main .notice");
  assert.match(await notice.innerText(), /Vos documents sont masqués aux professionnels/);
  assert.ok(await notice.evaluate((n) => n === document.activeElement), "the focus is on the message");
  await screenshot(celine, "patient-masked-all");
  await Promise.all([page.waitForNavigation(), page.locator("table.docs tbody tr a").first().click()]);
  assert.ok(await page.getByRole("button", { name: "Ne plus masquer" }).isVisible(), "masked");
  await visit(celine, "/patient/documents", "documents");
  await submit(celine, "Démasquer tous les documents que j'ai masqués");
  await check(celine, "documents, unmasked");
  assert.match(await page.locator("main .notice").innerText(), /de nouveau visibles/);
  await Promise.all([page.waitForNavigation(), page.locator("table.docs tbody tr a").first().click()]);
  assert.ok(await page.getByRole("button", { name: "Masquer ce document aux professionnels" }).isVisible(), "unmasked");
});

test("masking one document says how to undo, with the focus on the message", async () => {
  const { page } = celine;
  await submit(celine, "Masquer ce document aux professionnels");
  await check(celine, "document masked");
  const notice = page.locator("main .notice");
  assert.match(await notice.innerText(), /Document masqué aux professionnels\. Pour annuler : « Ne plus masquer »/);
  assert.ok(await notice.evaluate((n) => n === document.activeElement), "the focus is on the message");
  await screenshot(celine, "patient-document-masked");
  await submit(celine, "Ne plus masquer");
  await check(celine, "document unmasked");
  assert.match(await page.locator("main .notice").innerText(), /de nouveau visible/);
});
