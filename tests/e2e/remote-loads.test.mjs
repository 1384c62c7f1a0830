// Nothing remote is ever loaded by the webview (point 1 of the hardening
// issue). halley-mock echoes the user's text, so the payload below comes back
// as the model's answer: every CSS and HTML way of making the webview fetch a
// URL, each pointing at its own path on a loopback server this test runs.
// That server must see no request once the answer has rendered. Then a click
// on "Load image" must show the image, fetched once, by the backend.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { ROOT, shot, startApp, startMock, test } from "./lib/harness.mjs";
import { send, setModel, settledAnswer, setupFresh } from "./lib/chat.mjs";
import { sleep } from "./lib/webdriver.mjs";

const PNG = readFileSync(join(ROOT, "icons", "128x128.png"));

let mock;
let app;
let beacon;
/** Every request the loopback server saw: path and user agent. */
const hits = [];

function startBeacon() {
  return new Promise((ok) => {
    const server = createServer((req, res) => {
      hits.push({ path: req.url, agent: req.headers["user-agent"] ?? "" });
      if (req.url === "/img/ok.png") {
        res.writeHead(200, { "content-type": "image/png", "content-length": PNG.length });
        res.end(PNG);
        return;
      }
      res.writeHead(200, { "content-type": "image/png" });
      res.end();
    });
    server.listen(0, "127.0.0.1", () => ok(server));
  });
}

before(async () => {
  beacon = await startBeacon();
  mock = await startMock();
  // The backend fetches plain http only from loopback, and only when told to (tests).
  app = await startApp({ name: "remote-loads", env: { HALLEY_LOOPBACK_IMAGES: "1" } });
  await setupFresh(app, { baseUrl: mock.baseUrl });
});

after(async () => {
  await app?.stop();
  await mock?.stop();
  await new Promise((r) => beacon?.close(r));
});

function vectors(base) {
  const u = (name) => `${base}/v/${name}`;
  return [
    `<span style="background:\\75\\72\\6c(${u("css-escape")})">css escapes</span>`,
    `<div style="background-image:\\000075rl('${u("css-escape-long")}')">long escape</div>`,
    `<div style="back/**/ground:url(${u("css-comment")})">comment</div>`,
    `<div style="background:image-set('${u("image-set")}' 1x)">image-set</div>`,
    `<div style="position:\\66ixed;inset:0;background:url(${u("fixed-overlay")})">overlay</div>`,
    `<style>@import "${u("style-import")}"; p{background:url(${u("style-rule")})}</style>`,
    `<svg width="20" height="20"><image href="${u("svg-image")}" width="20" height="20"/></svg>`,
    `<svg width="20" height="20"><use href="${u("svg-use")}#a"/></svg>`,
    `<svg width="20" height="20"><rect width="20" height="20" fill="url(${u("svg-fill")}#p)"/></svg>`,
    `<svg><filter id="f"><feImage href="${u("svg-feimage")}"/></filter></svg>`,
    `<video poster="${u("video-poster")}" src="${u("video-src")}"></video>`,
    `<audio src="${u("audio")}"></audio>`,
    `<picture><source srcset="${u("source-srcset")}"><img alt="pic"></picture>`,
    `<img src="data:image/png;base64,iVBORw0KGgo=" srcset="${u("img-srcset")} 2x" alt="srcset">`,
    `<link rel="stylesheet" href="${u("link-stylesheet")}">`,
    `<link rel="prefetch" href="${u("link-prefetch")}">`,
    `<meta http-equiv="refresh" content="0;url=${u("meta-refresh")}">`,
    `<iframe src="${u("iframe")}"></iframe>`,
    `<object data="${u("object")}"></object><embed src="${u("embed")}">`,
    `<input type="image" src="${u("input-image")}">`,
    `<table background="${u("table-background")}"><tr><td>cell</td></tr></table>`,
    `<math><mglyph src="${u("mglyph")}"/></math>`,
    `<img src="${u("html-img")}" alt="html image">`,
    `![markdown image](${u("md-img")})`,
    `![the icon](${base}/img/ok.png)`,
  ];
}

test("an answer carrying every CSS and HTML load vector makes no request", async () => {
  const { session } = app;
  const base = `http://127.0.0.1:${beacon.address().port}`;
  const payload = ["Remote load check:", ...vectors(base)].join("\n\n");
  await setModel(session, "echo");
  await send(session, payload, { typed: false });
  const answer = await settledAnswer(session);
  assert.equal(answer.status, "complete", "the echo of the payload completes");
  // A message keeps only the parts near the view in the page, so the answer
  // is scrolled through top to bottom: every part is rendered at some point
  // (which is when a load would happen), and each position is checked.
  const reports = await session.executeAsync(
    `const done = arguments[0];
     const list = document.querySelector('[data-testid="message-list"]');
     const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)));
     (async () => {
       const seen = [];
       list.scrollTop = 0;
       for (let step = 0; step < 60; step++) {
         await frame();
         await frame();
         const md = document.querySelector('[data-testid="message-assistant"] .markdown');
         seen.push({
           text: md.textContent,
           styled: [...md.querySelectorAll('[style]')].filter((e) => !e.closest('.katex') && !e.classList.contains('md-spacer')).length,
           placeholders: [...md.querySelectorAll('button.md-remote-image')].map(
             (b) => b.dataset.src + " " + b.textContent),
           imgs: [...md.querySelectorAll('img')].map((i) => i.getAttribute('src')),
         });
         if (list.scrollTop + list.clientHeight >= list.scrollHeight - 1) break;
         list.scrollTop += list.clientHeight * 0.5;
       }
       done(seen);
     })();`,
  );
  const everything = reports.map((r) => r.text).join("\n");
  assert.ok(everything.includes("Remote load check:"), "the payload came back as the answer");
  assert.ok(everything.includes("css escapes"), "the styled text itself is still shown");
  // Time for anything eager (images, styles, frames, prefetch) to reach the server.
  await sleep(2500);
  assert.deepEqual(hits, [], "the loopback server saw no request from the rendered answer");

  // (The window's own spacers, Halley's elements sized by it, are not the answer's.)
  const report = {
    styled: Math.max(...reports.map((r) => r.styled)),
    placeholders: [...new Set(reports.flatMap((r) => r.placeholders))],
    imgs: [...new Set(reports.flatMap((r) => r.imgs))],
  };
  assert.equal(report.styled, 0, "no element of the answer keeps a style attribute");
  assert.equal(report.placeholders.length, 3, "each remote image became a placeholder");
  const port = beacon.address().port;
  assert.ok(
    report.placeholders.every((label) => label.includes(`127.0.0.1:${port}`)),
    `each placeholder names the host: ${report.placeholders.join(" | ")}`,
  );
  assert.ok(
    report.imgs.every((src) => src.startsWith("data:")),
    `only inline images are shown: ${report.imgs.join(" ")}`,
  );
  const placeholder = await session.find('button.md-remote-image[data-src$="/img/ok.png"]');
  assert.ok(placeholder, "the loopback image has its placeholder");
  await session.execute(
    "document.querySelector('button.md-remote-image[data-src$=\"/img/ok.png\"]').scrollIntoView({block: 'center'})",
  );
  await session.screenshot(shot("remote-image-placeholder"));
});

test("Load image shows the image, fetched once by the backend", async () => {
  const { session } = app;
  const button = await session.find('button.md-remote-image[data-src$="/img/ok.png"]');
  assert.ok(button, "the placeholder for the loopback image is there");
  await button.click();
  const img = await session.waitFor(".markdown img.md-loaded-image", { timeout: 15000 });
  const shown = await session.until(
    () =>
      session.execute(
        "const i = document.querySelector('.markdown img.md-loaded-image');" +
          "return i && i.complete && i.naturalWidth > 0 ? {src: i.getAttribute('src'), width: i.naturalWidth} : null;",
      ),
    { what: "the loaded image to decode" },
  );
  assert.ok(shown.src.startsWith("blob:"), `shown from a blob: URL, not the network: ${shown.src}`);
  assert.equal(shown.width, 128, "the image decoded at its real size");
  assert.equal(await img.attribute("alt"), "the icon");
  await session.execute(
    "document.querySelector('.markdown img.md-loaded-image').scrollIntoView({block: 'center'})",
  );
  await session.screenshot(shot("remote-image-loaded"));
  // Exactly one request, and it came from the backend (its user agent), not the webview.
  assert.deepEqual(
    hits.map((h) => h.path),
    ["/img/ok.png"],
    "one request, for the clicked image only",
  );
  assert.equal(hits[0].agent, "Halley", "fetched by the backend's client");
});
