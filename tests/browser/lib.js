// Shared helpers of the browser journeys: one Chromium per person (fresh profile), sign-in
// with the demo password and the current TOTP code from `mds demo code LOGIN`, and on every
// page: axe-core (WCAG 2.0/2.1 A and AA) with zero violations, and no Content Security Policy
// violation reported by the browser.
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { createHmac } from "node:crypto";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { createRequire } from "node:module";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export const BASE = process.env.MDS_TEST_BASE_URL ?? assert.fail("MDS_TEST_BASE_URL is not set (run scripts/browser-tests.sh)");
const MDS = process.env.MDS_TEST_BIN ?? assert.fail("MDS_TEST_BIN is not set");
const STATE = process.env.MDS_TEST_BROWSER_STATE ?? join(tmpdir(), "mds-browser-state.json");
const SHOTS = process.env.MDS_TEST_SCREENSHOTS ?? "";
const MAIL = process.env.MDS_TEST_MAIL_DIR ?? "";
export const PASSWORD = "Demo-MDS-2026";
export const CHROMIUM = process.env.MDS_TEST_CHROMIUM ?? "/usr/bin/chromium";

/** Small real files the format check accepts (crates/testkit/samples): a prefix such as
 * "%PDF-1.4" alone is refused. */
export const SAMPLE_PDF = readFileSync(new URL("../../crates/testkit/samples/scan.pdf", import.meta.url));
export const SAMPLE_PNG = readFileSync(new URL("../../crates/testkit/samples/scan.png", import.meta.url));

export const PATIENT = "marie.wea@demo.mds.nc";
export const DOCTOR = "dr.nea@demo.mds.nc";
export const MIDWIFE = "sf.gope@demo.mds.nc";
export const NURSE = "inf.kaloi@demo.mds.nc";
export const ASSISTANT = "sec.tiaou@demo.mds.nc";
export const SUPPORT = "support@demo.mds.nc";
export const MARIE = "/pro/patient?cafat=1234567&birth_date=1985-03-14";

const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=fr-FR",
];

/** A person's own browser: a fresh profile, closed with `close()`. */
export async function person(name, viewport = { width: 1280, height: 800 }) {
  const profile = mkdtempSync(join(tmpdir(), `mds-${name}-`));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport,
    locale: "fr-FR",
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const csp = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
  });
  page.on("dialog", (d) => d.dismiss());
  return {
    page,
    context,
    csp,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** axe-core on the current page (injected through the debugging protocol, which the page's
 * policy does not govern) and the CSP violations seen so far: both must be empty. */
export async function check(p, what) {
  await p.page.evaluate(AXE);
  const result = await p.page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  const found = result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + " — " + n.failureSummary),
  }));
  if (found.length) console.log(`axe violations on ${what} (${p.page.url()}):\n` + JSON.stringify(found, null, 2));
  assert.equal(found.length, 0, `${what}: ${found.length} accessibility violation(s)`);
  assert.deepEqual(p.csp, [], `${what}: Content Security Policy violations`);
}

/** Screenshots of the current page at phone and desktop widths (when asked for). */
export async function screenshot(p, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  const size = p.page.viewportSize();
  for (const [label, vp] of [["phone", { width: 390, height: 844 }], ["desktop", { width: 1280, height: 800 }]]) {
    await p.page.setViewportSize(vp);
    await p.page.screenshot({ path: join(SHOTS, `${name}-${label}.png`) });
  }
  await p.page.setViewportSize(size);
}

function step() {
  return Math.floor(Date.now() / 30000);
}

/** The current code of a demo login, never the same step twice for one login (the server
 * accepts a step once): waits for the next step when this one was used. */
export async function freshCode(login) {
  const used = existsSync(STATE) ? JSON.parse(readFileSync(STATE, "utf8")) : {};
  while (used[login] !== undefined && used[login] >= step()) {
    await new Promise((r) => setTimeout(r, 1000));
  }
  const code = execFileSync(MDS, ["demo", "code", login], { encoding: "utf8" }).trim();
  assert.match(code, /^\d{6}$/, `mds demo code ${login}`);
  used[login] = step();
  mkdirSync(dirname(STATE), { recursive: true });
  writeFileSync(STATE, JSON.stringify(used));
  return code;
}

/** Signs in through the login page the browser is on (or goes there first), in its two
 * steps: login and password, then the authenticator's code on its own page. Lands where the
 * login page was told to go (`next`) or on the account's portal. */
export async function signIn(p, login, { from = "/login", password = PASSWORD, base = BASE } = {}) {
  if (from) await p.page.goto(base + from);
  assert.match(new URL(p.page.url()).pathname, /^\/login$/);
  await check(p, "login page");
  await p.page.getByLabel("Identifiant").fill(login);
  await p.page.getByLabel("Mot de passe").fill(password);
  await Promise.all([p.page.waitForNavigation(), p.page.getByRole("button", { name: "Continuer" }).click()]);
  assert.equal(new URL(p.page.url()).pathname, "/login/code", `${login}: the password step failed`);
  await check(p, "code page");
  await p.page.getByLabel("Code à 6 chiffres").fill(await freshCode(login));
  await Promise.all([p.page.waitForNavigation(), p.page.getByRole("button", { name: "Se connecter" }).click()]);
  assert.doesNotMatch(new URL(p.page.url()).pathname, /^\/login/, `${login} could not sign in`);
}

/** Goes to `path` and checks the page. */
export async function visit(p, path, what) {
  const r = await p.page.goto(BASE + path);
  assert.ok(r.ok(), `${what}: HTTP ${r.status()}`);
  await check(p, what);
}

/** Submits a form by clicking its button and waits for the next page. */
export async function submit(p, buttonName) {
  await Promise.all([p.page.waitForNavigation(), p.page.getByRole("button", { name: buttonName }).click()]);
}

/** The e-mails the service delivered to `to` whose subject matches `subject`, oldest first,
 * as the SMTP sink wrote them (envelope, headers, decoded body); waits up to `seconds` for at
 * least `count` of them (the outbox is delivered at each tick of the job runner). */
export async function mailsTo(to, subject, { count = 1, seconds = 60 } = {}) {
  assert.ok(MAIL, "MDS_TEST_MAIL_DIR is not set (run scripts/browser-tests.sh)");
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    // Oldest first: each file is written once, when its message arrives.
    const found = existsSync(MAIL)
      ? readdirSync(MAIL)
          .filter((f) => f.endsWith(".json"))
          .map((f) => ({ at: statSync(join(MAIL, f)).mtimeMs, m: JSON.parse(readFileSync(join(MAIL, f), "utf8")) }))
          .sort((a, b) => a.at - b.at)
          .map(({ m }) => m)
          .filter((m) => m.rcpt_tos.includes(to) && subject.test(m.subject))
      : [];
    if (found.length >= count) return found;
    assert.ok(Date.now() < deadline, `no e-mail « ${subject} » to ${to} within ${seconds} s (found ${found.length})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The TOTP code (RFC 6238: SHA-1, 30 s, 6 digits) of a base32 secret at `ms`, for an
 * authenticator enrolled during a journey (not a demo account). */
export function totpCode(secret, ms = Date.now()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/=+$/, "").toUpperCase()) {
    const v = alphabet.indexOf(c);
    assert.ok(v >= 0, `base32 secret: ${secret}`);
    bits += v.toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(ms / 30000)));
  const h = createHmac("sha1", key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1000000).padStart(6, "0");
}
