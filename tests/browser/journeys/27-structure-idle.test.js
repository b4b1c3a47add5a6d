// The doctor's day (issue 18 item 11): support sets a structure's idle timeout for its
// professionals' sessions, within the authority's bounds (5 to 60 minutes by default).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, visit, check, screenshot, submit, SUPPORT } from "../lib.js";

const support = await person("support-27");
after(async () => {
  await support.close();
});

test("support sets a structure's idle timeout within the bounds", async () => {
  const { page } = support;
  await signIn(support, SUPPORT);
  await visit(support, "/support/structures", "structures with idle timeouts");
  const field = page.locator("input[name='minutes']").first();
  assert.equal(await field.getAttribute("min"), "5");
  assert.equal(await field.getAttribute("max"), "60");
  await field.fill("45");
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: /^Enregistrer/ }).first().click()]);
  await check(support, "structures, idle timeout saved");
  assert.match(await page.locator("main .notice").innerText(), /Délai d'inactivité enregistré/);
  assert.equal(await page.locator("input[name='minutes']").first().inputValue(), "45");
  await screenshot(support, "support-structure-idle");
  // Back to the default for the other journeys.
  await page.locator("input[name='minutes']").first().fill("");
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: /^Enregistrer/ }).first().click()]);
  assert.equal(await page.locator("input[name='minutes']").first().inputValue(), "");
  void submit;
});
