// Headless-Chromium test of the status page served at GET /status by a running Meridian.
// Started by run.sh, which provides a router with one endpoint put down through the simulator:
//   MERIDIAN_URL   router base URL, e.g. http://127.0.0.1:18080
//   SIMULATOR_URL  simulator base URL (admin API), e.g. http://127.0.0.1:18090
//   DOWN_MODEL, DOWN_REGION   the endpoint that is down when the test starts
//   SCREENSHOT_DIR where the screenshots go
//   CHROMIUM       the browser binary (default /usr/bin/chromium)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const BASE = process.env.MERIDIAN_URL || "http://127.0.0.1:8080";
const SIM = process.env.SIMULATOR_URL || "http://127.0.0.1:8090";
const DOWN_MODEL = process.env.DOWN_MODEL || "glm-5";
const DOWN_REGION = process.env.DOWN_REGION || "us-east";
const SHOTS = process.env.SCREENSHOT_DIR || join(import.meta.dirname, "screenshots");
// The default catalog: 15 chat and 3 embedding models (a region that does not serve a model is a cell too).
const EXPECTED_MODELS = 18;
const EXPECTED_REGIONS = 3;
const TIERS = ["ultra-budget", "budget", "mid-range", "premium", "auto"];

let browser, context, page, profile;
const pageErrors = [];
const foreignRequests = [];
// full-page screenshots from the top, so the sticky header is drawn where it belongs
async function shot(name, fullPage = true) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, name), fullPage });
}
const downCell = `#matrix td[data-model="${DOWN_MODEL}"][data-region="${DOWN_REGION}"]`;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  profile = mkdtempSync(join(tmpdir(), "meridian-chromium-"));
  // launchPersistentContext gives Chromium a fresh, empty --user-data-dir of our own.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  browser = context;
  page = context.pages()[0] || (await context.newPage());
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") pageErrors.push("console: " + m.text()); });
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(BASE + "/") && !u.startsWith("data:")) foreignRequests.push(u);
  });
});

after(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test("GET / redirects to the status page, which renders the full matrix", { timeout: 30_000 }, async () => {
  const res = await page.goto(BASE + "/");
  assert.equal(res.status(), 200);
  assert.equal(new URL(page.url()).pathname, "/status");
  await page.waitForSelector("#matrix td[data-model][data-region][data-status]", { timeout: 15_000 });
  assert.equal(await page.locator("#matrix tbody tr[data-model]").count(), EXPECTED_MODELS, "model rows");
  assert.equal(await page.locator("#matrix td[data-model][data-region]").count(), EXPECTED_MODELS * EXPECTED_REGIONS, "cells");
  assert.equal(await page.locator("#matrix td[data-model][data-region][data-status]").count(), EXPECTED_MODELS * EXPECTED_REGIONS, "cells with a status");
  assert.equal(await page.locator("#matrix thead th[data-region]").count(), EXPECTED_REGIONS, "region columns");
  // each row carries its tier, and the tiers are grouped in order
  const tiers = await page.locator("#matrix tbody tr[data-model]").evaluateAll((rows) => rows.map((r) => r.dataset.tier));
  const order = ["ultra-budget", "budget", "mid-range", "premium"];
  assert.deepEqual(tiers.map((t) => order.indexOf(t)), [...tiers.map((t) => order.indexOf(t))].sort((a, b) => a - b), "rows grouped by tier");
  assert.ok(tiers.every((t) => order.includes(t)), "every row labelled with a known tier: " + tiers);
});

test("header shows region, catalog, totals and refresh time", async () => {
  assert.equal(await page.textContent("#region"), "us-east");
  assert.match(await page.textContent("#catalog-version"), /\S/);
  const requests = Number(await page.getAttribute("#total-requests", "data-value"));
  assert.ok(requests > 0, "requests so far > 0, got " + requests);
  const dollars = Number(await page.getAttribute("#total-cost", "data-value"));
  assert.ok(dollars > 0, "dollars so far > 0, got " + dollars);
  assert.match(await page.textContent("#total-cost"), /^\$\d/);
  assert.match(await page.textContent("#last-refresh"), /^\d\d:\d\d:\d\d$/);
  assert.equal(await page.getAttribute("#conn-status", "data-state"), "live");
  assert.equal(await page.isVisible("#banner"), false, "no stale/error banner while live");
});

test("downed endpoint is red and says so in text; healthy cells exist", async () => {
  const cell = page.locator(downCell);
  assert.equal(await cell.getAttribute("data-status"), "unhealthy");
  assert.match(await cell.getAttribute("class"), /\bcell-red\b/);
  assert.match(await cell.innerText(), /DOWN/);
  const bg = await cell.evaluate((e) => getComputedStyle(e).backgroundColor);
  const [r, g, b] = bg.match(/\d+/g).map(Number);
  assert.ok(r > 150 && g < 80 && b < 80, "red background, got " + bg);
  const healthy = page.locator('#matrix td[data-status="healthy"]');
  assert.ok((await healthy.count()) >= 30, "most cells healthy, got " + (await healthy.count()));
  const first = healthy.first();
  assert.match(await first.getAttribute("class"), /\bcell-(green|amber)\b/);
  assert.match(await first.innerText(), /\d+ ms/);
  assert.match(await first.getAttribute("title"), /p99 .*\n.*tok\/s/s);
});

test("routes panel lists every tier and auto with model@region", async () => {
  for (const tier of TIERS) {
    const item = page.locator(`#routes [data-tier="${tier}"]`);
    assert.equal(await item.count(), 1, "route for " + tier);
    assert.match(await item.innerText(), /@(us-east|eu-west|ap-southeast)\s+\d+ ms/, tier);
    assert.notEqual(await item.getAttribute("data-model"), DOWN_MODEL + "x");
  }
  // the routed endpoint is marked in the matrix
  assert.ok((await page.locator("#matrix td.routed").count()) >= 1, "routed cells marked");
});

test("a rate-limited endpoint is outlined, with the reason and time left", { timeout: 30_000 }, async () => {
  const model = "hunyuan-turbos";
  for (const region of ["us-east", "eu-west", "ap-southeast"]) {
    const res = await fetch(`${SIM}/admin/faults/${model}/${region}`, {
      method: "PUT", headers: { "content-type": "application/json" },
      body: JSON.stringify({ rateLimitRate: 1, retryAfterSeconds: 120 }),
    });
    assert.ok(res.ok, "set fault: HTTP " + res.status);
  }
  const res = await fetch(BASE + "/v1/chat/completions", {
    method: "POST",
    // The embedded default's public demo client key (docs/security.md).
    headers: { "content-type": "application/json", authorization: "Bearer sk-meridian-demo-key" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  assert.equal(res.status, 429, "every endpoint rate limiting");
  const blocked = page.locator(`#matrix td[data-model="${model}"][data-blocked="RATE_LIMITED"]`);
  await blocked.first().waitFor({ timeout: 10_000 });
  assert.match(await blocked.first().getAttribute("class"), /\bcell-breaker\b/);
  assert.match(await blocked.first().innerText(), /BLOCKED RATE_LIMITED \d+(\.\d)? s/);
  const outline = await blocked.first().evaluate((e) => getComputedStyle(e).borderTopStyle);
  assert.equal(outline, "dashed");
});

// Decodes a PNG in Chromium itself and measures how much is drawn: distinct colours (quantised
// to 4 bits a channel), the share of pixels unlike the most common one, and pixels near the
// page's cell green and cell red.
async function pngStats(png) {
  const scratch = await context.newPage();
  try {
    return await scratch.evaluate(async (b64) => {
      const img = new Image();
      img.src = "data:image/png;base64," + b64;
      await img.decode();
      const c = document.createElement("canvas");
      c.width = img.naturalWidth; c.height = img.naturalHeight;
      const g = c.getContext("2d");
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      const counts = new Map();
      let green = 0, red = 0;
      const near = (i, r, gg, b) => Math.abs(d[i] - r) + Math.abs(d[i + 1] - gg) + Math.abs(d[i + 2] - b) < 24;
      for (let i = 0; i < d.length; i += 4) {
        const k = ((d[i] >> 4) << 8) | ((d[i + 1] >> 4) << 4) | (d[i + 2] >> 4);
        counts.set(k, (counts.get(k) || 0) + 1);
        if (near(i, 0xda, 0xfb, 0xe1)) green++;
        if (near(i, 0xb3, 0x16, 0x1f)) red++;
      }
      const total = d.length / 4;
      const top = Math.max(...counts.values());
      return { width: c.width, height: c.height, colours: counts.size, varied: 1 - top / total, green: green / total, red: red / total };
    }, png.toString("base64"));
  } finally {
    await scratch.close();
  }
}
const drawn = (s) => s.colours >= 16 && s.varied > 0.2 && s.green > 0.1 && s.red > 0.002 && s.height > EXPECTED_MODELS * 25;

test("screenshot: the matrix is drawn (and a blank one would fail)", { timeout: 30_000 }, async () => {
  const full = join(SHOTS, "status.png");
  await shot("status.png");
  const png = await page.locator("#matrix").screenshot({ path: join(SHOTS, "matrix.png") });
  assert.ok(png.length > 20_000, "matrix screenshot is " + png.length + " bytes");
  const stats = await pngStats(png);
  console.log("# matrix screenshot " + JSON.stringify(stats));
  assert.ok(drawn(stats), "matrix screenshot looks drawn: " + JSON.stringify(stats));
  // negative control: the same check rejects an empty table of the same size
  const blank = await context.newPage();
  try {
    await blank.setViewportSize({ width: stats.width + 20, height: stats.height + 20 });
    await blank.setContent(`<table id="matrix" style="width:${stats.width}px;height:${stats.height}px;border:1px solid #d0d7de"><tr><td></td></tr></table>`);
    const empty = await pngStats(await blank.locator("#matrix").screenshot());
    assert.ok(!drawn(empty), "blank matrix must fail the check: " + JSON.stringify(empty));
  } finally {
    await blank.close();
  }
  console.log("# screenshot: " + full);
});

test("every cell state renders distinctly (synthetic /status.json)", { timeout: 20_000 }, async () => {
  const data = await (await fetch(BASE + "/status.json")).json();
  const cells = (id) => data.models.find((m) => m.id === id).cells;
  cells("qwen3-32b")["eu-west"] = { status: "unobserved", breaker: "CLOSED" };
  Object.assign(cells("qwen3-32b")["us-east"], { status: "healthy", ttftMs: 950, ttftP99Ms: 1400 });
  Object.assign(cells("kimi-k2.5")["eu-west"], { breaker: "OPEN", blocked: "BREAKER_OPEN", blockedForMs: 4200 });
  Object.assign(cells("kimi-k2.5")["ap-southeast"], { breaker: "HALF_OPEN" });
  data.routes.premium = { error: "no_healthy_endpoint" };
  await page.route("**/status.json", (route) => route.fulfill({ contentType: "application/json", body: JSON.stringify(data) }));
  try {
    const cell = (m, r) => page.locator(`#matrix td[data-model="${m}"][data-region="${r}"]`);
    await page.waitForSelector('#routes [data-tier="premium"][data-error]', { timeout: 8_000 });
    assert.match(await page.innerText('#routes [data-tier="premium"]'), /NO ROUTE: no_healthy_endpoint/);
    assert.equal(await cell("qwen3-32b", "eu-west").getAttribute("data-status"), "unobserved");
    assert.match(await cell("qwen3-32b", "eu-west").getAttribute("class"), /\bcell-grey\b/);
    assert.match(await cell("qwen3-32b", "eu-west").innerText(), /no data/);
    assert.equal(await cell("qwen3-32b", "us-east").getAttribute("data-health"), "slow");
    assert.match(await cell("qwen3-32b", "us-east").getAttribute("class"), /\bcell-amber\b/);
    assert.match(await cell("qwen3-32b", "us-east").innerText(), /950 ms SLOW/);
    for (const [r, text] of [["eu-west", /BREAKER OPEN[\s\S]*BLOCKED BREAKER_OPEN 4\.2 s/], ["ap-southeast", /BREAKER HALF_OPEN/]]) {
      assert.match(await cell("kimi-k2.5", r).getAttribute("class"), /\bcell-breaker\b/);
      assert.match(await cell("kimi-k2.5", r).innerText(), text);
    }
    await shot("status-states.png");
  } finally {
    await page.unroute("**/status.json");
  }
  await page.waitForSelector('#routes [data-tier="premium"]:not([data-error])', { timeout: 8_000 });
});

test("a failing fetch is shown as an error, then as stale, and recovers", { timeout: 40_000 }, async () => {
  await page.route("**/status.json", (route) => route.fulfill({ status: 503, body: "unavailable" }));
  await page.waitForSelector('#conn-status[data-state="error"], #conn-status[data-state="stale"]', { timeout: 8_000 });
  assert.ok(await page.isVisible("#banner"));
  assert.match(await page.textContent("#banner"), /HTTP 503/);
  await page.waitForSelector('#conn-status[data-state="stale"]', { timeout: 12_000 });
  assert.match(await page.textContent("#banner"), /STALE/);
  assert.ok(await page.evaluate(() => document.body.classList.contains("stale")));
  await shot("status-stale.png", false);
  await page.unroute("**/status.json");
  await page.waitForSelector('#conn-status[data-state="live"]', { timeout: 8_000 });
  assert.equal(await page.isVisible("#banner"), false);
});

test("the page updates live: clearing the fault turns the cell healthy without a reload", { timeout: 45_000 }, async () => {
  await page.evaluate(() => { window.__sameDocument = "kept"; });
  const before = Number(await page.evaluate(() => document.body.dataset.refreshes));
  const res = await fetch(SIM + "/admin/faults", { method: "DELETE" });
  assert.ok(res.ok, "clear faults: HTTP " + res.status);
  await page.waitForSelector(downCell + '[data-status="healthy"]', { timeout: 30_000 });
  assert.match(await page.locator(downCell).getAttribute("class"), /\bcell-(green|amber)\b/);
  assert.equal(await page.evaluate(() => window.__sameDocument), "kept", "no reload happened");
  const after = Number(await page.evaluate(() => document.body.dataset.refreshes));
  assert.ok(after > before, `polled again (${before} -> ${after})`);
  await shot("status-recovered.png");
});

test("no page errors and no request leaves the router", () => {
  assert.deepEqual(pageErrors.filter((e) => !/503/.test(e)), []);
  assert.deepEqual(foreignRequests, []);
});
