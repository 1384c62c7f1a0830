// Hostile and huge Markdown in the real webview (point 12 of the hardening
// issue): a 1 MB answer of each shape that was, or could be, super-linear is
// streamed in, opened again from history, then scrolled through from its
// middle. The test asserts only what cannot be noisy: the whole answer
// arrives and is shown (its last line is on screen), the composer takes
// input while it streams, the message never has more than DOM_BOUND elements
// in the page (only the parts near the view are), the middle of the answer
// shows text when scrolled to, and what is at the top of the view stays put
// once scrolling stops. How long the main thread stalled is measured in the
// page and written to artifacts/e2e/large-answers.json (and printed) for
// docs/performance.md.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ARTIFACTS, shot, startApp, startMock, test } from "./lib/harness.mjs";
import { fillComposer, newChat, send, setModel, setupFresh, tid } from "./lib/chat.mjs";

const MB = 1024 * 1024;
/** Characters per streamed delta, and the mock's pause between deltas. */
const DELTA = 4096;
const DELAY_MS = 4;

const repeat = (unit, n) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

/**
 * Elements one message may have in the page at any time, whatever its
 * length: a window of parts (MAX_WINDOW_PARTS, of at most CHUNK_BLOCKS
 * blocks each) over about three screens. Before the window, a 1 MB answer
 * put up to 30,000 elements of markdown in the page (and its text after that).
 */
const DOM_BOUND = 6000;

/** An answer a model could really write, over and over: every block kind. */
const MIXED = [
  "## Section\n\nSome **bold**, some *italic*, `code`, a [link](https://example.com) and $x^2$.\n\n",
  "- first\n- second\n  - nested with `code`\n\n1. one\n2. two\n\n",
  '```rust\nfn main() {\n    println!("hello");\n}\n```\n\n',
  "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n\n",
  "> a quote\n> over two lines\n\n$$\n\\int_0^1 x\\,dx = \\tfrac12\n$$\n\n",
].join("");

// The generators of ui/src/lib/markdown/growth.test.ts and the shapes of the
// streaming table in docs/performance.md, each made 1 MB long.
const SHAPES = {
  // Not 1 MB: the floor. It goes first, so it also pays what the page's
  // first answer pays whatever its size (the renderer's code not yet
  // compiled by the engine); its stall is what the machine gives anyway.
  "floor-8-kb-of-words": () => repeat("word ", 8192),
  "display-math-openers": (n) => repeat("$$a ", n),
  "display-math-on-many-lines": (n) => repeat("$$a\n", n),
  "bracket-math-openers": (n) => repeat("\\[a ", n),
  "inline-math-openers": (n) => repeat("\\(a ", n),
  "dollar-escapes": (n) => repeat("$a\\$", n),
  "many-paragraphs": (n) => repeat("a\n\n", n),
  "emphasis-closed-at-the-end": (n) => repeat("*a **b ", n - 2) + "**",
  "emphasis-open": (n) => repeat("*a **b ", n),
  "nested-quotes": (n) => repeat("> ", n - 1) + "x",
  "nested-lists": (n) =>
    repeat(Array.from({ length: 60 }, (_, i) => "  ".repeat(i) + "- x").join("\n") + "\n", n),
  "long-table": (n) => "| a | b |\n|---|---|\n" + repeat("| 1 | 2 |\n", n - 20),
  "open-brackets": (n) => repeat("[", n),
  "unclosed-links": (n) => repeat("[a](", n),
  "unclosed-tags": (n) => repeat("<a ", n),
  backticks: (n) => repeat("`a ``", n),
  underscores: (n) => repeat("_a ", n),
  "one-paragraph-of-words": (n) => repeat("word ", n),
  "one-code-block": (n) => "```js\n" + repeat("let a = [1, 2];\n", n - 10) + "\n```\n",
  "mixed-markdown": (n) => repeat(MIXED, n),
};

// `./x test` runs a short set, one shape per kind of cost (math, emphasis,
// nesting, one long paragraph, real markdown): the whole set takes 6 to 10
// minutes on 2 cores. HALLEY_E2E_SHAPES=all runs every shape (`./x bench`
// does), HALLEY_E2E_SHAPES=a,b only those (to measure one, or an old build).
const SHORT_SET = [
  "floor-8-kb-of-words",
  "display-math-openers",
  "emphasis-open",
  "nested-quotes",
  "one-paragraph-of-words",
  "mixed-markdown",
];
const CHOSEN = process.env.HALLEY_E2E_SHAPES ?? SHORT_SET.join(",");
const ONLY = CHOSEN === "all" ? null : CHOSEN.split(",").filter(Boolean);
const NAMES = Object.keys(SHAPES).filter((name) => !ONLY || ONLY.includes(name));
if (NAMES.length < Object.keys(SHAPES).length) {
  console.log(
    `large-answers: ${NAMES.length} of ${Object.keys(SHAPES).length} shapes ` +
      "(HALLEY_E2E_SHAPES=all runs every one)",
  );
}

/** The answer for `name`: 1 MB of the shape, then a last line to look for. */
function answer(name) {
  return `${SHAPES[name](MB)}\n\nEND-OF-${name}\n`;
}

/** A recorded-style SSE stream of `text` in DELTA-sized deltas, for the mock's case: models. */
function sse(name, text) {
  const id = `resp_large_${name.replace(/-/g, "_")}`;
  const msg = `msg_large_${name.replace(/-/g, "_")}`;
  const response = (status, output) => ({
    id,
    object: "response",
    created_at: 1764547200,
    status,
    model: "large-answer",
    output,
    usage: status === "completed" ? { input_tokens: 1, output_tokens: 1, total_tokens: 2 } : null,
  });
  const message = (status, content) => ({
    type: "message",
    id: msg,
    status,
    role: "assistant",
    content,
  });
  const part = (t) => ({ type: "output_text", text: t, annotations: [] });
  const events = [
    { type: "response.created", response: response("in_progress", []) },
    { type: "response.output_item.added", output_index: 0, item: message("in_progress", []) },
    {
      type: "response.content_part.added",
      item_id: msg,
      output_index: 0,
      content_index: 0,
      part: part(""),
    },
  ];
  for (let at = 0; at < text.length; at += DELTA) {
    events.push({
      type: "response.output_text.delta",
      item_id: msg,
      output_index: 0,
      content_index: 0,
      delta: text.slice(at, at + DELTA),
    });
  }
  const done = message("completed", [part(text)]);
  events.push(
    { type: "response.output_text.done", item_id: msg, output_index: 0, content_index: 0, text },
    {
      type: "response.content_part.done",
      item_id: msg,
      output_index: 0,
      content_index: 0,
      part: part(text),
    },
    { type: "response.output_item.done", output_index: 0, item: done },
    { type: "response.completed", response: response("completed", [done]) },
  );
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}

const cases = mkdtempSync(join(tmpdir(), "halley-e2e-large-"));
for (const name of NAMES) {
  mkdirSync(join(cases, name));
  writeFileSync(join(cases, name, "response.sse"), sse(name, answer(name)));
}

// In the page: the longest gap between animation frames, and the longest
// lateness of a 10 ms timer (WebKitGTK has no longtask entries). Either is
// the longest time the main thread could not paint or take input.
// It also counts, every 200 ms, the elements of the last answer in the page.
const PROBE = `
  if (!window.__stallProbe) {
    const probe = (window.__stallProbe = { frame: 0, timer: 0, elements: 0 });
    let lastFrame = performance.now();
    const onFrame = (now) => {
      probe.frame = Math.max(probe.frame, now - lastFrame);
      lastFrame = now;
      requestAnimationFrame(onFrame);
    };
    requestAnimationFrame(onFrame);
    let lastTick = performance.now();
    let ticks = 0;
    setInterval(() => {
      const now = performance.now();
      probe.timer = Math.max(probe.timer, now - lastTick - 10);
      lastTick = now;
      if (++ticks % 20 === 0) {
        const all = document.querySelectorAll('[data-testid="message-assistant"] .markdown');
        const md = all[all.length - 1];
        if (md) probe.elements = Math.max(probe.elements, md.getElementsByTagName('*').length);
      }
    }, 10);
  }
  window.__stallProbe.frame = 0;
  window.__stallProbe.timer = 0;
  window.__stallProbe.elements = 0;
`;
const READ_PROBE = `
  const all = document.querySelectorAll('[data-testid="message-assistant"] .markdown');
  const md = all[all.length - 1];
  const probe = window.__stallProbe;
  if (md) probe.elements = Math.max(probe.elements, md.getElementsByTagName('*').length);
  return probe;
`;

// Scrolls the conversation to the middle of its (one, huge) answer, then up a
// screen per frame for 30 frames, then jumps to a quarter of it; resolves
// once two frames passed with nothing moving.
const SCROLL_THROUGH = `
  const done = arguments[0];
  const list = document.querySelector('[data-testid="message-list"]');
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  (async () => {
    list.scrollTop = (list.scrollHeight - list.clientHeight) / 2;
    await frame();
    for (let i = 0; i < 30; i++) {
      list.scrollTop -= list.clientHeight * 0.9;
      await frame();
    }
    list.scrollTop = list.scrollHeight / 4;
    await frame();
    await frame();
    done(true);
  })();
`;

// What is at the middle and at the top of the view: the answer's part
// crossing the view's middle line (none: the view shows a gap or a spacer),
// and the text and position of the element at its top.
const VIEW_STATE = `
  const list = document.querySelector('[data-testid="message-list"]');
  const box = list.getBoundingClientRect();
  const middle = box.top + box.height / 2;
  const parts = [...list.querySelectorAll('.markdown .md-block')];
  const atMiddle = parts.find((p) => {
    const r = p.getBoundingClientRect();
    return r.top <= middle && r.bottom >= middle && r.height > 0;
  });
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + 40);
  const top = hit && (hit.closest('.md-block') ?? hit);
  return {
    middleText: atMiddle ? atMiddle.textContent.slice(0, 40) : null,
    topText: top ? top.textContent.slice(0, 80) : null,
    topY: top ? top.getBoundingClientRect().top : null,
    scrollTop: list.scrollTop,
  };
`;

/** True once the last answer is finished, fully rendered, and shows its last line. */
const SHOWN = `
  const all = document.querySelectorAll('[data-testid="message-assistant"]');
  const el = all[all.length - 1];
  if (!el || el.dataset.status === 'streaming') return false;
  if (document.querySelector('[data-testid="stop-button"]')) return false;
  const md = el.querySelector('.markdown');
  // The not-yet-rendered rest is shown as text (.md-pending) until it is rendered.
  if (!md || md.querySelector('.md-pending')) return false;
  return md.textContent.includes(arguments[0]);
`;

let mock;
let app;
const figures = {};

before(async () => {
  mock = await startMock(["--cases", cases, "--delay-ms", String(DELAY_MS)]);
  app = await startApp({ name: "large-answers" });
  await setupFresh(app, { baseUrl: mock.baseUrl });
});

after(async () => {
  await app?.stop();
  await mock?.stop();
  const rows = Object.entries(figures).map(([name, f]) => ({ name, ...f }));
  writeFileSync(join(ARTIFACTS, "large-answers.json"), JSON.stringify(rows, null, 2));
  console.log("shape | stream: frame gap / timer late / total, elements | open: … | scroll: …");
  const cell = (f = {}) => `${f.frame} / ${f.timer} / ${f.total} ms, ${f.elements}`;
  for (const r of rows) {
    console.log(`${r.name} | ${cell(r.stream)} | ${cell(r.open)} | ${cell(r.scroll)}`);
  }
});

const round = (ms) => Math.round(ms ?? -1);

async function waitShown(session, name, timeout) {
  await session.until(() => session.execute(SHOWN, [`END-OF-${name}`]), {
    timeout,
    what: `the whole ${name} answer to be shown`,
  });
}

for (const name of NAMES) {
  test(`a 1 MB answer of ${name} streams in and opens again, whole`, async () => {
    const { session } = app;
    await newChat(session);
    await setModel(session, `case:${name}`);
    await fillComposer(session, `large answer: ${name}`);
    await session.execute(PROBE);
    const started = Date.now();
    await send(session, `large answer: ${name}`, { typed: false });

    // While it streams, the composer takes what is typed.
    await session.waitFor(tid("stop-button"), { timeout: 20000 });
    const typedStarted = Date.now();
    const composer = await session.find(tid("composer-input"));
    await composer.type("typed while streaming");
    const typeMs = Date.now() - typedStarted;
    assert.equal(
      await composer.property("value"),
      "typed while streaming",
      "the composer took every key while the answer streamed",
    );

    await waitShown(session, name, 150_000);
    const stream = await session.execute(READ_PROBE);
    figures[name] = {
      stream: {
        frame: round(stream.frame),
        timer: round(stream.timer),
        total: Date.now() - started,
        typeMs,
        elements: stream.elements,
      },
    };
    assert.ok(
      stream.elements < DOM_BOUND,
      `the streaming answer had ${stream.elements} elements in the page (bound ${DOM_BOUND})`,
    );

    // Open it again from history: away to a new chat, then back.
    await fillComposer(session, "");
    await newChat(session);
    await session.execute(PROBE);
    const opened = Date.now();
    const item = (await session.findAll(tid("conversation-item")))[0];
    await (await item.find("button.open")).click();
    await waitShown(session, name, 150_000);
    const open = await session.execute(READ_PROBE);
    figures[name].open = {
      frame: round(open.frame),
      timer: round(open.timer),
      total: Date.now() - opened,
      elements: open.elements,
    };
    assert.ok(
      open.elements < DOM_BOUND,
      `the opened answer had ${open.elements} elements in the page (bound ${DOM_BOUND})`,
    );

    // Scrolled to its middle and through it: text is there, the DOM stays bounded.
    await session.execute(PROBE);
    const scrolled = Date.now();
    await session.executeAsync(SCROLL_THROUGH);
    const scroll = await session.execute(READ_PROBE);
    figures[name].scroll = {
      frame: round(scroll.frame),
      timer: round(scroll.timer),
      total: Date.now() - scrolled,
      elements: scroll.elements,
    };
    assert.ok(
      scroll.elements < DOM_BOUND,
      `scrolling through the answer put ${scroll.elements} elements in the page (bound ${DOM_BOUND})`,
    );
    const still = await session.execute(VIEW_STATE);
    assert.ok(still.middleText, `the middle of the view shows a part of the answer (${name})`);
    // Nothing moves under the reader once the parts in view are measured.
    await session.executeAsync(
      "const done = arguments[0]; setTimeout(() => requestAnimationFrame(() => done(true)), 500);",
    );
    const later = await session.execute(VIEW_STATE);
    assert.equal(later.topText, still.topText, "the same text stays at the top of the view");
    assert.ok(
      Math.abs(later.topY - still.topY) < 2,
      `it stays in place (${still.topY} → ${later.topY} px)`,
    );
    await session.screenshot(shot(`large-answer-${name}-middle`));

    if (name === "one-code-block") {
      // Too large to parse, the block is shown as code in pieces; its first
      // piece still names the language and has a copy button.
      await session.execute(
        "document.querySelector('[data-testid=\"message-list\"]').scrollTop = 0",
      );
      const header = await session.waitFor(".md-code-first .code-header", { timeout: 10000 });
      assert.match(await header.text(), /js\s*Copy/);
      await session.screenshot(shot(`large-answer-${name}-top`));
    }
  });
}
