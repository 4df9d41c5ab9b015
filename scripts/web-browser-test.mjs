// A real browser plays the participant web client: Debian's chromium, headless,
// driven over the DevTools protocol with Node's own WebSocket (no npm package, no
// browser download). It joins a headless host with the code, picks a seat, stages a
// measure-2 and a measure-8 action (the latter with markup in its text), marks the
// team ready, sees the resolution in its inbox, and is screenshotted at 1280×720 and
// 390×844; the screenshots must not be blank, and the page must log no
// Content-Security-Policy violation. A second participant plays from plain HTTP.
//
// Usage: node --experimental-websocket scripts/web-browser-test.mjs BIN OUTDIR
//   BIN    the cbm-ttx binary (e.g. target/debug/cbm-ttx)
//   OUTDIR where the screenshots go
// Exit code 0 and "browser test: 1 passed, 0 failed" on success.

import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import net from "node:net";

const [bin, outDir] = process.argv.slice(2);
if (!bin || !outDir) {
  console.error("usage: web-browser-test.mjs BIN OUTDIR");
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const CODE = "BRWS42";
const deadline = Date.now() + 150_000;
const children = [];
function cleanup() {
  for (const c of children) {
    try { c.kill("SIGKILL"); } catch {}
  }
}
function fail(msg) {
  console.error("browser test failed: " + msg);
  console.log("browser test: 0 passed, 1 failed");
  cleanup();
  process.exit(1);
}
setTimeout(() => fail("timed out"), 170_000).unref();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

// ---- the host ------------------------------------------------------------------------
const data = mkdtempSync(join(tmpdir(), "cbm-web-"));
const udp = await freePort();
const tcp = await freePort();
const host = spawn(bin, ["host", "scenarios/tutorial.ron", "--headless", "--players", "2",
  "--code", CODE, "--port", String(udp), "--bind", "127.0.0.1", "--web-port", String(tcp),
  "--round-seconds", "0"], { env: { ...process.env, CBM_TTX_DATA_DIR: data }, stdio: ["ignore", "pipe", "pipe"] });
children.push(host);
let hostOut = "";
host.stdout.on("data", (d) => (hostOut += d));
host.stderr.on("data", (d) => (hostOut += d));
const base = `http://127.0.0.1:${tcp}`;
for (;;) {
  try { if ((await fetch(base + "/")).ok) break; } catch {}
  if (Date.now() > deadline) fail("the host did not come up:\n" + hostOut);
  await sleep(100);
}

// ---- a second participant over plain HTTP: Hillmark, always ready --------------------
async function joinAs(seat) {
  const r = await fetch(base + "/join", {
    method: "POST", redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `code=${CODE}&name=Bob&seat=${seat}`,
  });
  const c = r.headers.get("set-cookie");
  if (r.status !== 303 || !c) fail(`joining as ${seat}: ${r.status}`);
  return c.split(";")[0];
}
const bob = await joinAs("hillmark");
let bobStop = false;
(async () => {
  while (!bobStop) {
    await fetch(base + "/act", { method: "POST", headers: { cookie: bob, "content-type": "application/x-www-form-urlencoded" }, body: "op=ready" }).catch(() => {});
    await sleep(400);
  }
})();

// ---- the browser -----------------------------------------------------------------------
const profile = mkdtempSync(join(tmpdir(), "cbm-chromium-"));
const chrome = spawn("chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
  "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
  `--user-data-dir=${profile}`, "--remote-debugging-port=0", "--window-size=1280,720", "about:blank"],
  { stdio: ["ignore", "ignore", "pipe"] });
children.push(chrome);
const wsUrl = await new Promise((resolve) => {
  let err = "";
  chrome.stderr.on("data", (d) => {
    err += d;
    const m = err.match(/DevTools listening on (ws:\/\/\S+)/);
    if (m) resolve(m[1]);
  });
  setTimeout(() => fail("chromium did not start:\n" + err), 90_000).unref();
});
const ws = new WebSocket(wsUrl);
await new Promise((r, j) => { ws.onopen = r; ws.onerror = () => j(new Error("no DevTools socket")); });
let nextId = 0;
const pending = new Map();
const logs = [];
ws.onmessage = (m) => {
  const msg = JSON.parse(m.data);
  if (msg.id !== undefined && pending.has(msg.id)) {
    const { resolve, reject } = pending.get(msg.id);
    pending.delete(msg.id);
    msg.error ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.result);
  } else if (msg.method === "Log.entryAdded") {
    logs.push(msg.params.entry.text);
  } else if (msg.method === "Runtime.consoleAPICalled") {
    logs.push(msg.params.args.map((a) => a.value).join(" "));
  }
};
let session;
function cdp(method, params = {}) {
  const id = ++nextId;
  ws.send(JSON.stringify({ id, method, params, ...(session ? { sessionId: session } : {}) }));
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}
const { targetId } = await cdp("Target.createTarget", { url: "about:blank" });
({ sessionId: session } = await cdp("Target.attachToTarget", { targetId, flatten: true }));
await cdp("Page.enable");
await cdp("Runtime.enable");
await cdp("Log.enable");
await cdp("Emulation.setDeviceMetricsOverride", { width: 1280, height: 720, deviceScaleFactor: 1, mobile: false });

async function js(expr) {
  const r = await cdp("Runtime.evaluate", { expression: expr, awaitPromise: true, returnByValue: true });
  if (r.exceptionDetails) throw new Error(expr + ": " + JSON.stringify(r.exceptionDetails));
  return r.result.value;
}
async function until(what, expr, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    try { if (await js(expr)) return; } catch {}
    if (Date.now() > end) {
      const body = await js("document.body ? document.body.innerText.slice(0, 3000) : ''").catch(() => "");
      fail(`waiting for ${what}\n--- page ---\n${body}\n--- host ---\n${hostOut.slice(-3000)}`);
    }
    await sleep(100);
  }
}
async function go(url) {
  await cdp("Page.navigate", { url });
  await until("the page to load", "document.readyState === 'complete'");
}
const click = (sel, text) => js(`(() => { const b = [...document.querySelectorAll(${JSON.stringify(sel)})].find(e => ${text ? `e.textContent.trim().startsWith(${JSON.stringify(text)})` : "true"}); if (!b) return false; b.click(); return true; })()`);
async function shot(name, w, h, mobile) {
  await cdp("Emulation.setDeviceMetricsOverride", { width: w, height: h, deviceScaleFactor: 1, mobile });
  await sleep(400);
  const { data: png } = await cdp("Page.captureScreenshot", { format: "png" });
  const file = join(outDir, name);
  writeFileSync(file, Buffer.from(png, "base64"));
  const colours = distinctColours(readFileSync(file));
  console.log(`screenshot ${file}: ${w}x${h}, ${colours} distinct colours`);
  if (colours < 8) fail(`${file} looks blank (${colours} colours)`);
}
// Distinct RGB values in a PNG (8-bit RGB or RGBA, as Chromium writes them).
function distinctColours(buf) {
  let off = 8, width = 0, bpp = 4;
  const idat = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString("ascii", off + 4, off + 8);
    const body = buf.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") { width = body.readUInt32BE(0); bpp = body[9] === 6 ? 4 : 3; }
    if (type === "IDAT") idat.push(body);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp + 1;
  const seen = new Set();
  // Filter bytes make raw values approximate, which is enough to tell a blank page.
  for (let y = 0; y + stride <= raw.length; y += stride * 7) {
    for (let x = 1; x < stride; x += bpp * 5) seen.add(raw.readUIntBE(y + x, 3));
    if (seen.size > 64) break;
  }
  return seen.size;
}

// Join with the code from the QR link, then pick a seat.
await go(`${base}/?code=${CODE}`);
await until("the join form", "document.querySelector('#code') && document.querySelector('#code').value === 'BRWS42'");
await js(`document.querySelector('#name').value = 'Ana <i>from</i> the MFA'`);
await click("form button[type=submit]");
await until("the seat picker", "document.querySelectorAll('ul.seats button').length > 0");
if (!(await js("[...document.querySelectorAll('ul.seats button')].some(b => b.disabled && b.textContent.includes('Hillmark'))")))
  fail("Hillmark should be shown as taken");
await click("ul.seats button", "Lakeland");
await until("the seat page", "document.querySelector('#composer') !== null");
await until("deliberation", "document.querySelector('#p-status').innerText.includes('Deliberation')");
if (!(await js("document.querySelector('#p-status').innerText.includes('Ana <i>from</i> the MFA')"))) fail("the name is not shown as typed");

// Measure 2: national co-ordination.
await click("button.kind", "National co-ordination");
await until("the composer for co-ordination", "document.querySelector('.chosen') && document.querySelector('.chosen').innerText.includes('Measure 2')");
await until("the Stage button", "!document.querySelector('#stage').disabled");
await click("#stage");
await until("the staged co-ordination", "document.querySelector('#p-staged').innerText.includes('National co-ordination')");
// Measure 8: a technical message to Hillmark, with markup in its text.
await click("button.kind", "Technical contact message");
await until("the State field", "document.querySelector('select#state') !== null");
await until("a reason before the click", "document.querySelector('#composer-verdict').innerText.includes('Not possible now')");
await js(`(() => { const s = document.querySelector('select#state'); s.value = [...s.options].find(o => o.text === 'Hillmark').value; s.dispatchEvent(new Event('change', { bubbles: true })); })()`);
await until("the Stage button for the message", "!document.querySelector('#stage').disabled");
await js(`document.querySelector('#text').value = '<script>alert(1)</script> Please call our CERT'`);
await click("#stage");
await until("the staged message", "document.querySelector('#p-staged').innerText.includes('Technical contact message')");
await shot("web-1280x720-staged.png", 1280, 720, false);
// Ready: the round resolves; its outcomes arrive in the inbox.
await click("#ready");
await until("the confirmation", "document.querySelector('#notice .ok') !== null");
await until("the next round", "document.querySelector('#p-status').innerText.includes('Round 2')", 30_000);
await until("the resolution in the inbox", "document.querySelector('#p-inbox').innerText.includes('Round 1')");
await until("the message delivered", "document.querySelector('#p-messages').innerText.includes('To Hillmark')");
// "Marked ready." does not stand over the next round: a confirmation goes by itself.
await until("the confirmation gone", "[...document.querySelectorAll('#notice .ok')].every((e) => getComputedStyle(e).visibility === 'hidden')", 10_000);
if (await js("document.querySelectorAll('script').length") !== 3) fail("a script element came from player text");
if (!(await js("document.querySelector('#p-messages').innerText.includes('<script>alert(1)</script>')"))) fail("the message text is not shown as typed");
await shot("web-1280x720.png", 1280, 720, false);
await shot("web-390x844.png", 390, 844, true);
// Round 2: ready again; the exercise ends.
await cdp("Emulation.setDeviceMetricsOverride", { width: 1280, height: 720, deviceScaleFactor: 1, mobile: false });
await until("the Ready button", "document.querySelector('#ready') && !document.querySelector('#ready').disabled");
await click("#ready");
await until("the end", "document.querySelector('#p-status').innerText.includes('ended')", 30_000);
await shot("web-1280x720-ended.png", 1280, 720, false);
// The board, as a projector shows it.
await go(`${base}/board?code=${CODE}`);
await until("the board", "document.querySelector('#b-chart svg') !== null");
await shot("board-1280x720.png", 1280, 720, false);
bobStop = true;
const csp = logs.filter((l) => /Content Security Policy|Refused to/i.test(l || ""));
if (csp.length) fail("CSP violations:\n" + csp.join("\n"));
// The browser's own requests are never taken for another site's (the host's
// periodic summary counts cross-site refusals).
const crossSite = [...hostOut.matchAll(/(\d+) cross-site/g)].map((m) => Number(m[1]));
if (crossSite.some((n) => n > 0)) fail("the browser's own requests were refused as cross-site");
console.log("browser test: page log: " + (logs.length ? logs.join(" | ") : "(empty)"));
console.log("browser test: 1 passed, 0 failed");
cleanup();
process.exit(0);
