// The document viewer and the patient's own documents: Céline adds a PDF and a CDA through
// her portal, sees the PDF in its frame and the CDA rendered as text (a <script> in the CDA
// never runs), then deletes the CDA after its confirmation. Only Céline's own documents are
// touched (Marie's belong to the other journeys).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { person, signIn, visit, check, screenshot, submit, BASE } from "../lib.js";

const CELINE = "celine.dk@demo.mds.nc";
const PDF_TITLE = "Échographie du 2e trimestre";
const CDA_TITLE = "Compte rendu de radiologie (CDA)";

/** A one-page PDF saying `text`, with its cross-reference table and trailer (the format check
 * refuses a PDF without `startxref` and `%%EOF`). */
function pdf(text) {
  const stream = `BT /F1 18 Tf 40 100 Td (${text}) Tj ET`;
  const objects = [
    "<</Type/Catalog/Pages 2 0 R>>",
    "<</Type/Pages/Kids[3 0 R]/Count 1>>",
    "<</Type/Page/MediaBox[0 0 420 200]/Parent 2 0 R/Resources<</Font<</F1<</Type/Font/Subtype/Type1" +
      "/BaseFont/Helvetica>>>>>>/Contents 4 0 R>>",
    `<</Length ${stream.length}>>stream\n${stream}\nendstream`,
  ];
  let out = "%PDF-1.4\n";
  const offsets = objects.map((o, i) => {
    const at = out.length;
    out += `${i + 1} 0 obj${o}\nendobj\n`;
    return at;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  out += `trailer<</Size ${objects.length + 1}/Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out);
}

const CDA = `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <title>Radiographie thoracique</title>
  <effectiveTime value="20261112"/>
  <recordTarget><patientRole><patient><name><given>Céline</given><family>Dupont-Kasarhérou</family></name>
    <birthTime value="19901130"/></patient></patientRole></recordTarget>
  <author><time value="20261112"/><assignedAuthor><assignedPerson><name><prefix>Dr</prefix><given>Paul</given>
    <family>Radio</family></name></assignedPerson><representedOrganization><name>Centre d'imagerie de Nouméa</name>
    </representedOrganization></assignedAuthor></author>
  <component><structuredBody>
    <component><section><title>Indication</title><text>Toux persistante depuis 3 semaines.</text></section></component>
    <component><section><title>Résultat</title><text>
      <paragraph>Pas d'anomalie pleuro-parenchymateuse.<script>window.__pwned = 1; alert("cda")</script></paragraph>
      <paragraph>Voir <linkHtml href="javascript:window.__pwned=2">le détail</linkHtml>.</paragraph>
      <list><item>Cœur de taille normale</item><item>Pas d'épanchement</item></list>
      <table><thead><tr><th>Mesure</th><th>Valeur</th></tr></thead>
        <tbody><tr><td>Index cardiothoracique</td><td>0,45</td></tr></tbody></table>
      <renderMultiMedia referencedObject="img1"/>
    </text></section></component>
  </structuredBody></component>
</ClinicalDocument>`;

const people = [];
after(async () => {
  for (const p of people) await p.close();
});

async function addDocument(c, { file, title, type }) {
  const { page } = c;
  await visit(c, "/patient/documents", "documents");
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Ajouter un document" }).click()]);
  await check(c, "add form");
  assert.ok(await page.getByText("Le document sera visible par vous", { exact: false }).isVisible());
  await page.getByLabel("Fichier").setInputFiles(file);
  await page.getByLabel("Type de document").selectOption(type);
  await page.getByLabel("Date de l'acte ou du document").fill("2026-11-12");
  await page.getByLabel("Titre").fill(title);
  await submit(c, "Ajouter le document");
  assert.match(new URL(page.url()).pathname, /^\/patient\/documents\/[0-9a-f-]+$/);
  assert.ok(await page.getByText("Document ajouté à votre dossier.").isVisible());
}

test("Céline adds a PDF and a CDA, views them, and deletes the CDA", async () => {
  const c = await person("celine-7");
  people.push(c);
  const { page } = c;
  let dialogs = 0;
  page.on("dialog", () => dialogs++);
  await signIn(c, CELINE);

  // A PDF: shown in a frame, from an inline answer under its own sandboxing policy.
  const inline = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith("/view"));
  await addDocument(c, {
    file: { name: "echographie.pdf", mimeType: "application/pdf", buffer: pdf(`Echographie ${Date.now()}`) },
    title: PDF_TITLE,
    type: "11488-4",
  });
  const view = await inline;
  assert.equal(view.status(), 200);
  const h = await view.allHeaders();
  assert.equal(h["content-type"], "application/pdf");
  assert.match(h["content-disposition"], /^inline/);
  assert.match(h["content-security-policy"], /sandbox/);
  assert.equal(h["x-content-type-options"], "nosniff");
  const frame = page.locator("iframe.pdf");
  assert.equal(await frame.getAttribute("title"), `Document PDF — ${PDF_TITLE}`);
  assert.ok(await frame.isVisible());
  assert.ok(page.frames().some((f) => f.url().endsWith(new URL(view.url()).pathname)), "the frame holds the PDF");
  await page.waitForTimeout(1500); // the PDF viewer paints
  await check(c, "PDF viewer");
  await page.locator("#viewer-title").evaluate((h) => h.scrollIntoView());
  await screenshot(c, "patient-document-pdf");

  // A CDA with a script in its narrative: rendered as text, nothing runs.
  await addDocument(c, {
    file: { name: "radio.xml", mimeType: "application/xml", buffer: Buffer.from(CDA) },
    title: CDA_TITLE,
    type: "18748-4",
  });
  await check(c, "CDA viewer");
  assert.ok(await page.getByRole("heading", { name: "Résultat" }).isVisible());
  assert.ok(await page.getByText("Pas d'anomalie pleuro-parenchymateuse.").isVisible());
  assert.ok(await page.getByText("Dr Paul Radio, Centre d'imagerie de Nouméa", { exact: false }).isVisible());
  assert.ok(await page.getByRole("cell", { name: "Index cardiothoracique" }).isVisible());
  assert.equal(await page.locator("main script, main iframe, main img").count(), 0);
  await page.getByText("le détail").click(); // plain text, not a link: nothing happens
  assert.equal(await page.evaluate(() => window.__pwned), undefined, "the CDA's script never ran");
  assert.equal(dialogs, 0, "no dialog opened");
  await page.locator("#viewer-title").evaluate((h) => h.scrollIntoView());
  await screenshot(c, "patient-document-cda");

  // Deleting the CDA: consequence, confirmation, then gone; the PDF stays.
  assert.ok(await page.getByText("que vous avez ajouté, sera effacé définitivement", { exact: false }).isVisible());
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Supprimer ce document…" }).click()]);
  await check(c, "delete confirmation");
  assert.ok(await page.getByText("ne peut pas être annulée", { exact: false }).isVisible());
  await submit(c, "Supprimer définitivement");
  await check(c, "documents after deletion");
  assert.ok(await page.getByText("Document supprimé", { exact: false }).isVisible());
  assert.equal(await page.getByRole("link", { name: CDA_TITLE }).count(), 0);
  assert.ok(await page.getByRole("link", { name: PDF_TITLE }).isVisible());
  const gone = await page.goto(BASE + "/patient/documents");
  assert.ok(gone.ok());
});
