// Hostile model output: halley-mock echoes the user's text, so whatever we
// send comes back as the model's Markdown. Nothing in it may run, navigate,
// frame, or fetch from the network on its own.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { shot, startApp, startMock, test } from "./lib/harness.mjs";
import { send, setModel, settledAnswer, setupFresh } from "./lib/chat.mjs";

let mock;
let app;
let beacon;
const hits = [];

/** A loopback server that records every request: a remote image or frame would call it. */
function startBeacon() {
  return new Promise((ok) => {
    const server = createServer((req, res) => {
      hits.push(req.url);
      res.writeHead(200, { "content-type": "image/png" });
      res.end();
    });
    server.listen(0, "127.0.0.1", () => ok(server));
  });
}

before(async () => {
  beacon = await startBeacon();
  mock = await startMock();
  app = await startApp({ name: "hostile" });
  await setupFresh(app, { baseUrl: mock.baseUrl });
});

after(async () => {
  await app?.stop();
  await mock?.stop();
  await new Promise((r) => beacon?.close(r));
});

test("hostile Markdown is rendered inert", async () => {
  const { session } = app;
  const port = beacon.address().port;
  const payload = [
    "Hostile markdown check:",
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    "[click](javascript:window.__pwned=3)",
    "<svg><script>window.__pwned=4</script></svg>",
    `![beacon](http://127.0.0.1:${port}/beacon.png)`,
    `<iframe src="http://127.0.0.1:${port}/frame"></iframe>`,
    "&lt;script&gt;entity&lt;/script&gt;",
    "bidi \u202Egnp.exe\u202C end",
    '<a href="javascript:window.__pwned=5">raw link</a>',
    '<div onclick="window.__pwned=6" style="position:fixed;inset:0">overlay</div>',
  ].join("\n\n");
  await setModel(session, "echo");
  await send(session, payload, { typed: false });
  const answer = await settledAnswer(session);
  assert.equal(answer.status, "complete", "the echo of the payload completes");
  // The answer really carries the payload (otherwise every check below is vacuous).
  assert.ok(answer.text.includes("Hostile markdown check:"), "the echoed text is rendered");
  await session.screenshot(shot("hostile"));

  const report = await session.execute(`
    const scope = [...document.querySelectorAll('[data-testid="message-assistant"], [data-testid="message-user"]')];
    const inside = (sel) => scope.flatMap((m) => [...m.querySelectorAll(sel)]);
    const onAttrs = [...document.querySelectorAll('*')].flatMap((el) =>
      [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => el.tagName + '[' + a.name + ']'));
    const md = document.querySelector('[data-testid="message-assistant"] .markdown');
    return {
      pwned: typeof window.__pwned,
      tauri: typeof window.__TAURI_INTERNALS__,
      scripts: inside('script').length,
      iframes: inside('iframe, frame, object, embed').length,
      svgScripts: inside('svg script').length,
      onAttrs,
      jsLinks: [...document.querySelectorAll('a[href]')].filter((a) => /^\\s*javascript:/i.test(a.getAttribute('href'))).length,
      remoteImgs: [...document.querySelectorAll('img')].filter((i) => /^https?:/i.test(i.getAttribute('src') || '')).length,
      placeholders: inside('button.md-remote-image').length,
      mdText: md ? md.textContent : '',
      fixed: inside('[style*="fixed"]').length,
    };
  `);
  assert.equal(
    report.tauri,
    "object",
    "the IPC bridge exists in the page, so no-run is what protects it",
  );
  assert.equal(report.pwned, "undefined", "no payload's JavaScript ran (window.__pwned unset)");
  assert.equal(report.scripts, 0, "no <script> element made it into message content");
  assert.equal(report.svgScripts, 0, "no <script> inside <svg> either");
  assert.equal(report.iframes, 0, "no iframe/object/embed in message content");
  assert.deepEqual(report.onAttrs, [], "no element carries an on* event handler attribute");
  assert.equal(report.jsLinks, 0, "no link has a javascript: href");
  assert.equal(report.remoteImgs, 0, "no <img> points at the network before the user asks");
  assert.equal(report.placeholders, 1, "the remote image became one click-to-load placeholder");
  assert.equal(report.fixed, 0, "inline styles cannot overlay the app");
  // Escaped entities stay text; the bidi override is shown as text, not acted on.
  assert.ok(
    report.mdText.includes("<script>entity</script>"),
    "&lt;script&gt; renders as literal text",
  );
  assert.ok(report.mdText.includes("gnp.exe"), "text around U+202E is still shown");

  // The beacon is asked only for something that loaded: nothing may have.
  // The assertions above took several WebDriver round trips after rendering,
  // time in which an eager image or frame request would have arrived.
  assert.deepEqual(hits, [], "neither the image nor the iframe reached the network");
  assert.equal(
    await session.execute("return typeof window.__pwned"),
    "undefined",
    "still nothing ran",
  );
});

test("Load image asks the backend, which refuses plain http unless tests allow it", async () => {
  const { session } = app;
  const button = await session.find("button.md-remote-image");
  assert.ok(button, "the placeholder is there to click");
  // A person scrolls to it first: the answer above it is long, and the
  // placeholder can sit just above the list's top edge, where WebKit's
  // driver calls it not interactable rather than scrolling the inner list.
  await session.execute(
    `document.querySelector("button.md-remote-image").scrollIntoView({ block: "center" });`,
  );
  await button.click();
  // The backend fetches images itself (https only; loopback http only when
  // HALLEY_LOOPBACK_IMAGES=1, which this app was not given), so the click
  // ends in the placeholder's failure text, and the webview loads nothing.
  await session.until(async () => /Could not load/.test((await button.text()) ?? ""), {
    what: "the placeholder to report the refused image",
  });
  assert.equal(
    await session.execute("return document.querySelectorAll('.markdown img').length"),
    0,
    "no image element was made",
  );
  await session.screenshot(shot("hostile-image-clicked"));
  assert.deepEqual(hits, [], "the beacon never saw a request");
});
