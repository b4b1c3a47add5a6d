// « Qui a consulté mon dossier ? » (issue 18 item 4): the patient's history shows others'
// actions by default, a doctor's reads of the day on one line with their count and the
// documents; a form the doctor sends with a missing field is not shown as a refused access;
// the patient's own actions are one filter away. At 390 and 1280 px.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, visit, check, screenshot, submit, BASE, DOCTOR, PATIENT, MARIE } from "../lib.js";

const doctor = await person("doctor-21");
const marie = await person("patient-21", { width: 390, height: 844 });
after(async () => {
  await doctor.close();
  await marie.close();
});

/** The lines of the first page of the patient's history at `path`. */
async function lines(path, what) {
  await visit(marie, path, what);
  return marie.page.locator("ul.history li").allInnerTexts();
}

let refusedBefore;

test("patient: the history's default view holds no line of her own", async () => {
  await signIn(marie, PATIENT);
  const shown = await lines("/patient/history", "history, default view");
  assert.ok(shown.length > 0, "the demo record has activity by professionals");
  assert.deepEqual(shown.filter((l) => / — Vous /.test(l)), [], "no line of the patient's own");
  assert.equal(await marie.page.locator("details.filter-box").getAttribute("open"), null, "filters folded");
  assert.equal(await marie.page.getByLabel("Qui").inputValue(), "others");
  refusedBefore = shown.filter((l) => l.includes("accès refusé")).length;
});

test("doctor: reads two documents, then sends the add form without its file", async () => {
  const { page } = doctor;
  await signIn(doctor, DOCTOR);
  await visit(doctor, MARIE, "record view");
  const record = new URL(page.url()).pathname;
  const hrefs = await page.locator(`a[href^="${record}/documents/"]`).evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  const docs = [...new Set(hrefs)].slice(0, 2);
  assert.equal(docs.length, 2, "two documents listed");
  for (const d of [...docs, docs[0]]) await visit(doctor, d, "document page");
  await visit(doctor, `${record}/add`, "add form");
  await page.getByLabel("Type de document").selectOption("11488-4");
  await page.getByLabel("Titre").fill("Compte rendu sans fichier");
  await page.getByLabel("Date de l'acte").fill("2026-11-20");
  await page.getByLabel(/J'ai informé le patient/).check();
  // As a browser without form validation would send it: the server must refuse it itself.
  await page.locator("main form [required]").evaluateAll((els) => els.forEach((e) => e.removeAttribute("required")));
  await submit(doctor, "Ajouter le document");
  await check(doctor, "add form refused");
  assert.ok(await page.locator("main .error").first().isVisible(), "the form says what is missing");
});

test("patient: one line for the doctor's reads of the day, no refused access for his form", async (t) => {
  const shown = await lines("/patient/history", "history after the doctor's visit");
  const today = new Intl.DateTimeFormat("fr-FR", { timeZone: "Pacific/Noumea", day: "2-digit", month: "2-digit", year: "numeric" }).format(new Date());
  const reads = shown.filter((l) => l.startsWith(today) && l.includes("Dr Jean Néa") && /a consulté \d+ documents/.test(l) && l.includes("membre de l'équipe de soins"));
  assert.equal(reads.length, 1, `one line for the doctor's reads of the day:\n${shown.join("\n")}`);
  assert.match(reads[0], /consultations\) : « .+ » et « .+ »|a consulté \d+ documents : /, reads[0]);
  assert.equal(shown.filter((l) => l.includes("accès refusé")).length, refusedBefore, "a form error is not a refused access");
  assert.deepEqual(shown.filter((l) => / — Vous /.test(l)), []);
  await screenshot(marie, "patient-history-others");
  const everyone = await lines("/patient/history?who=everyone", "history, everyone");
  t.diagnostic(`first page: ${shown.length} lines by others (grouped per day) against ${everyone.length} lines with her own`);
  await visit(marie, "/patient/history", "history, default view again");
  // Her own actions, one filter away.
  await marie.page.getByText("Filtrer l'historique", { exact: true }).click();
  await marie.page.getByLabel("Qui").selectOption("mine");
  await submit(marie, "Filtrer");
  await check(marie, "history, own actions");
  const mine = await marie.page.locator("ul.history li").allInnerTexts();
  assert.ok(mine.length > 0 && mine.every((l) => / — Vous /.test(l)), mine.join("\n"));
  void BASE;
});
