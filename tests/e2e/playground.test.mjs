// The Playground end to end: the real app against halley-mock (through a
// recording proxy, so the wire can be checked), driven over WebDriver.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, freshDataDir, shot, startApp, startMock, test } from "./lib/harness.mjs";
import { startRecorder } from "./lib/recorder.mjs";
import { expectAccessible } from "./lib/a11y.mjs";

const KEY = "sk-e2e-playground";
const dataDir = freshDataDir();
// Saved recordings land here (the app's Downloads folder otherwise).
const exportDir = mkdtempSync(join(tmpdir(), "halley-pg-export-"));
let mock;
let recorder;
let app;

// ---- small helpers on the page ---------------------------------------------

/** Sets an input/textarea/select value the way typing would (Svelte binds on input/change). */
function setValue(session, selector, value, index = 0) {
  return session.execute(
    `const el = document.querySelectorAll(arguments[0])[arguments[2]];
     if (!el) throw new Error("no element " + arguments[0] + " #" + arguments[2]);
     const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype
       : el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
     Object.getOwnPropertyDescriptor(proto, "value").set.call(el, arguments[1]);
     el.dispatchEvent(new Event("input", { bubbles: true }));
     el.dispatchEvent(new Event("change", { bubbles: true }));
     return true;`,
    [selector, value, index],
  );
}

/** Clicks the `index`th match, even inside a closed <details>. */
function click(session, selector, index = 0) {
  return session.execute(
    `const el = document.querySelectorAll(arguments[0])[arguments[1]];
     if (!el) throw new Error("no element " + arguments[0] + " #" + arguments[1]);
     el.click(); return true;`,
    [selector, index],
  );
}

function texts(session, selector) {
  return session.execute(
    `return [...document.querySelectorAll(arguments[0])].map((e) => e.innerText);`,
    [selector],
  );
}

function value(session, selector) {
  return session.execute(`return document.querySelector(arguments[0])?.value ?? null;`, [selector]);
}

/** Waits until some match of `selector` has text passing `ok`; returns all texts. */
async function waitForText(session, selector, ok, { timeout = 20000 } = {}) {
  return session.until(
    async () => {
      const all = await texts(session, selector);
      return all.some(ok) ? all : null;
    },
    { timeout, what: `${selector} text` },
  );
}

const tid = (id) => `[data-testid="${id}"]`;

/** Runs a program to its end without blocking: the recorder lives in this process. */
function run(program, args, env) {
  return new Promise((ok, fail) => {
    const child = spawn(program, args, {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", fail);
    child.on("exit", (status) => ok({ status, stderr }));
  });
}

async function openPlayground(session) {
  await session.waitFor(tid("composer-input"), { timeout: 20000 });
  await click(session, tid("mode-playground"));
  await session.waitFor(tid("playground"));
}

/** First run: a Custom provider aimed at the recorder, then the Playground. */
async function completeSetup(session, baseUrl) {
  await session.waitFor(tid("api-key-input"), { timeout: 20000 });
  await setValue(session, tid("provider-select"), "custom");
  await setValue(session, tid("base-url-input"), baseUrl);
  await setValue(session, tid("api-key-input"), KEY);
  await click(session, tid("save-key"));
  await openPlayground(session);
}

/** A clean form with model `echo` and one user message. */
async function freshForm(session, text) {
  await click(session, tid("pg-reset"));
  await setValue(session, tid("pg-model"), "echo");
  await setValue(session, tid("pg-message-text"), text);
}

async function runAndWait(session, status = "completed", timeout = 20000) {
  await click(session, tid("pg-run"));
  await waitForText(session, tid("pg-status"), (t) => t.includes(status), {
    timeout,
  });
}

// ---- the suite ---------------------------------------------------------------

before(async () => {
  mock = await startMock();
  recorder = await startRecorder(mock.baseUrl);
  app = await startApp({
    dataDir,
    name: "playground",
    env: { HALLEY_EXPORT_DIR: exportDir },
  });
  await completeSetup(app.session, recorder.baseUrl);
});

after(async () => {
  await app?.stop();
  await recorder?.stop();
  mock?.stop();
});

test("a function-call round trip with two parallel calls keeps both rounds visible", async () => {
  const { session } = app;
  await freshForm(session, "call:all");
  await click(session, tid("pg-add-function"));
  await click(session, tid("pg-add-function"));
  await setValue(session, tid("pg-function-name"), "get_weather", 0);
  await setValue(session, tid("pg-function-name"), "get_time", 1);
  await click(session, tid("pg-run"));
  // call:all makes the mock call every function at once.
  await session.until(async () => (await texts(session, tid("pg-function-call"))).length === 2, {
    what: "two pending function calls",
  });
  await setValue(session, tid("pg-function-output"), "sunny", 0);
  await setValue(session, tid("pg-function-output"), "noon", 1);
  await click(session, tid("pg-submit-outputs"));
  await waitForText(session, `${tid("pg-output-item")}[data-type="message"]`, (t) =>
    t.includes("Got outputs: sunny, noon"),
  );
  // The first round (the two calls) stays on screen above the answer.
  const rounds = await texts(session, tid("pg-round"));
  assert.equal(rounds.length, 1, "one earlier round is kept");
  assert.match(rounds[0], /get_weather[\s\S]*get_time/, "the earlier round shows both calls");
  await expectAccessible(session, "playground-function-calls");
  await session.screenshot(shot("playground-function-calls"));
});

test("top_logprobs shows the answer as a heat map with alternatives per token", async () => {
  const { session } = app;
  const text = "Heat map of this sentence";
  await freshForm(session, text);
  await setValue(session, tid("pg-top-logprobs"), "3");
  await click(session, `${tid("pg-include")}[data-value="message.output_text.logprobs"]`);
  await runAndWait(session);
  const sent = recorder.creates().at(-1);
  assert.equal(sent.top_logprobs, 3, "the request asks for three alternatives");
  assert.deepEqual(sent.include, ["message.output_text.logprobs"]);
  const tokens = await session.until(async () => {
    const all = await texts(session, tid("pg-token"));
    return all.length > 0 ? all : null;
  });
  // The tokens, joined, are the whole answer: nothing lost to the colouring.
  assert.equal(tokens.join(""), text);
  const levels = await session.execute(
    `return [...document.querySelectorAll('[data-testid="pg-token"]')].map((e) => e.className);`,
  );
  assert.ok(
    new Set(levels.map((c) => c.match(/\bh\d\b/)?.[0])).size > 1,
    "tokens differ in colour",
  );
  // Keyboard focus (not just hover) shows the alternatives.
  await session.execute(`document.querySelector('[data-testid="pg-token"]').focus();`);
  const alternatives = await session.until(async () => {
    const all = await texts(session, tid("pg-token-alternative"));
    return all.length === 3 ? all : null;
  });
  assert.ok(
    alternatives[0].startsWith(JSON.stringify(tokens[0])),
    `the chosen token is listed first: ${alternatives[0]}`,
  );
  await expectAccessible(session, "playground-logprobs");
  await session.screenshot(shot("playground-logprobs"));
});

test("events saved as a .sse recording open again into the inspector", async () => {
  const { session } = app;
  await freshForm(session, "record this run");
  await runAndWait(session);
  await click(session, tid("pg-tab-timeline"));
  await expectAccessible(session, "playground-timeline");
  await session.screenshot(shot("playground-timeline"));
  await click(session, tid("pg-save-recording"));
  const note = await waitForText(session, tid("pg-recording-note"), (t) => t.length > 0);
  const path = note[0].slice(note[0].indexOf(exportDir));
  assert.ok(path.startsWith(exportDir), `saved under HALLEY_EXPORT_DIR: ${note[0]}`);
  const recording = readFileSync(path, "utf8");
  // SSE framing, one frame per raw event, the type as the event name, each
  // after a comment with its time (comments are skipped by any SSE reader).
  assert.match(recording, /^: opened_ms=[\d.]+\n\n/, "the time to first byte comes first");
  const frames = recording.split("\n\n").filter((f) => f.includes("\ndata: "));
  assert.match(frames[0], /^: ms=[\d.]+\nevent: response\.created\ndata: \{/);
  assert.match(frames.at(-1), /^: ms=[\d.]+\nevent: response\.completed\n/);
  const figures = async () => (await texts(session, `${tid("pg-figures")} dd`)).slice(0, 2);
  const live = await figures();
  const eventCount = await session.execute(
    `return document.querySelectorAll('[data-testid="pg-timeline"] li').length;`,
  );
  assert.equal(frames.length, eventCount, "exactly the inspector's events are saved");

  // Start over, then open the recording through the file input.
  await freshForm(session, "something else");
  await runAndWait(session);
  await session.execute(
    `const input = document.querySelector('[data-testid="pg-open-recording"]');
     const data = new DataTransfer();
     data.items.add(new File([arguments[0]], "run.sse", { type: "text/plain" }));
     input.files = data.files;
     input.dispatchEvent(new Event("change", { bubbles: true }));`,
    [recording],
  );
  await waitForText(session, tid("pg-recording-note"), (t) => t.includes("run.sse"));
  const message = await waitForText(session, `${tid("pg-output-item")}[data-type="message"]`, (t) =>
    t.includes("record this run"),
  );
  assert.equal(message.length, 1, "the recorded answer replaces the last run's");
  const status = await texts(session, tid("pg-status"));
  assert.ok(
    status.some((t) => t.includes("completed")),
    `the recording's own status shows: ${status}`,
  );
  const reopened = await session.execute(
    `return document.querySelectorAll('[data-testid="pg-timeline"] li').length;`,
  );
  assert.equal(reopened, eventCount, "the timeline holds every recorded event");
  assert.deepEqual(
    await figures(),
    live,
    "time to first byte and to first token come back from the recording",
  );
  await click(session, tid("pg-tab-response"));
  const response = JSON.parse((await texts(session, tid("pg-response-json")))[0]);
  assert.equal(response.status, "completed", "the final response is folded from the recording");
  await session.screenshot(shot("playground-recording"));
  await click(session, tid("pg-tab-request"));
});

test("canned outputs answer calls by hand or by auto-reply; bad arguments are marked", async () => {
  const { session } = app;
  await freshForm(session, 'call:all {"location": 5}');
  await click(session, tid("pg-add-function"));
  await click(session, tid("pg-add-function"));
  await setValue(session, tid("pg-function-name"), "get_weather", 0);
  await setValue(session, tid("pg-function-name"), "get_time", 1);
  // One canned output per function (the first add belongs to get_weather).
  await click(session, tid("pg-add-canned"), 0);
  await click(session, tid("pg-add-canned"), 1);
  await setValue(session, tid("pg-canned-output"), "sunny", 0);
  await setValue(session, tid("pg-canned-output"), "noon", 1);
  await click(session, tid("pg-run"));
  // The default schema wants `location` to be a string; the mock sends 5.
  const violations = await session.until(async () => {
    const all = await texts(session, tid("pg-call-violations"));
    return all.length === 2 ? all : null;
  });
  assert.ok(
    violations.every((v) => v.includes("/location")),
    `each call is marked at /location: ${violations}`,
  );
  await setValue(session, tid("pg-canned-pick"), "sunny", 0);
  await setValue(session, tid("pg-canned-pick"), "noon", 1);
  assert.equal(await value(session, tid("pg-function-output")), "sunny", "picking fills the box");
  await click(session, tid("pg-submit-outputs"));
  await waitForText(session, `${tid("pg-output-item")}[data-type="message"]`, (t) =>
    t.includes("Got outputs: sunny, noon"),
  );

  // Auto-reply: the calls are answered with the canned outputs without a click.
  await click(session, tid("pg-auto-reply"));
  await setValue(session, tid("pg-message-text"), 'call:all {"location": "Paris"}');
  const before = recorder.creates().length;
  await click(session, tid("pg-run"));
  await waitForText(session, `${tid("pg-output-item")}[data-type="message"]`, (t) =>
    t.includes("Got outputs: sunny, noon"),
  );
  const sent = recorder.creates().slice(before);
  assert.equal(sent.length, 2, "the run, then one automatic reply");
  const outputs = sent[1].input.filter((i) => i.type === "function_call_output");
  assert.deepEqual(
    outputs.map((o) => o.output),
    ["sunny", "noon"],
    "each call got its function's canned output",
  );
  assert.equal(sent[0].autoReply, undefined, "form-only settings are not sent");
  await session.screenshot(shot("playground-auto-reply"));
});

test("the parameters editor is CodeMirror and typing in it is validated live", async () => {
  const { session } = app;
  await freshForm(session, "editor");
  await click(session, tid("pg-add-function"));
  await setValue(session, tid("pg-function-name"), "lookup");
  const content = `${tid("pg-function-parameters")} .cm-content`;
  await session.waitFor(content);
  await session.execute(`document.querySelector(arguments[0]).focus();`, [content]);
  await session.chord("\uE009", "a");
  // A schema strict mode accepts (no properties, none extra), without its last brace.
  await session.keys('{"type": "object", "properties": {}, "additionalProperties": false');
  // Unclosed JSON: the field says so and Run is blocked.
  const errors = await waitForText(
    session,
    `${tid("pg-function")} [role="alert"]`,
    (t) => t !== "",
  );
  assert.ok(errors.length > 0, "a live validation message");
  assert.equal(
    await session.execute(`return document.querySelector(arguments[0]).disabled;`, [tid("pg-run")]),
    true,
    "Run waits for valid JSON",
  );
  await session.keys("}");
  await session.until(
    async () => (await texts(session, `${tid("pg-function")} [role="alert"]`)).length === 0,
    { what: "the message gone once the JSON is whole" },
  );
  const sentParameters = await session.execute(
    `return document.querySelector(arguments[0]).innerText;`,
    [content],
  );
  assert.equal(
    sentParameters.trim(),
    '{"type": "object", "properties": {}, "additionalProperties": false}',
    "the editor holds what was typed",
  );
  await session.screenshot(shot("playground-codemirror"));
});

test("a structured reply that breaks the schema is marked", async () => {
  const { session } = app;
  await freshForm(session, '{"answer": 5}');
  await click(session, tid("pg-format-json_schema"));
  await runAndWait(session);
  // The default schema wants `answer` to be a string; the echo sends a number.
  const violations = await waitForText(session, tid("pg-violations"), (t) => t.includes("/answer"));
  assert.ok(violations[0].includes("/answer"), "the violation points at /answer");
  await expectAccessible(session, "playground-structured");
  await session.screenshot(shot("playground-structured"));
  await click(session, tid("pg-format-text"));
});

test("an MCP approval request is shown and approving it runs the tool", async () => {
  const { session } = app;
  await freshForm(session, "look it up");
  await click(session, tid("pg-add-mcp"));
  await setValue(session, `${tid("pg-mcp-server")} input`, "docs", 0);
  await setValue(session, `${tid("pg-mcp-server")} input`, "https://example.com/mcp", 1);
  await setValue(session, `${tid("pg-mcp-server")} input`, "search", 2);
  await runAndWait(session);
  const server = await waitForText(session, tid("pg-mcp-approval-server"), (t) => t === "docs");
  assert.deepEqual(server, ["docs"], "the card names the MCP server");
  assert.deepEqual(await texts(session, tid("pg-mcp-approval-tool")), ["search"]);
  await expectAccessible(session, "playground-mcp-approval");
  await session.screenshot(shot("playground-mcp-approval"));
  await click(session, tid("pg-mcp-approve"));
  await waitForText(session, `${tid("pg-output-item")}[data-type="message"]`, (t) =>
    t.includes("approved"),
  );
  // What went out: the approval answers the request by its id.
  const last = recorder.creates().at(-1);
  assert.equal(last.input[0].type, "mcp_approval_response");
  assert.equal(last.input[0].approve, true);
});

test("a secret MCP header reaches the server and nothing the app keeps or shows", async () => {
  const { session } = app;
  const secret = `Bearer mcp-canary-${Math.random().toString(36).slice(2)}`;
  await freshForm(session, "use the vault");
  await click(session, tid("pg-add-mcp"));
  const server = tid("pg-mcp-server");
  await setValue(session, `${server} input`, "vault", 0);
  await setValue(session, `${server} input`, "https://example.com/vault/mcp", 1);
  await setValue(session, `${server} select`, "never");
  await click(session, tid("pg-mcp-add-header"));
  await setValue(session, `${server} .kv input`, "Authorization", 0);
  await click(session, tid("pg-mcp-secret-toggle"));
  // The typed value goes to the keyring on change; the form keeps a placeholder.
  await setValue(session, tid("pg-mcp-secret"), secret);
  await session.until(
    async () =>
      (await session.execute(`return document.querySelector(arguments[0]).placeholder`, [
        tid("pg-mcp-secret"),
      ])) !== "" && (await value(session, tid("pg-mcp-secret"))) === "",
    { what: "the secret field to clear once stored" },
  );
  await runAndWait(session);

  const sent = recorder.creates().at(-1);
  assert.equal(
    sent.tools[0].headers.Authorization,
    secret,
    "the backend fills the real value in just before sending",
  );
  const requestView = await texts(session, tid("pg-request-json"));
  assert.ok(
    requestView.join("").includes("halley-keyring"),
    "the request view shows where the value comes from instead",
  );
  // halley-mock echoes the request's tools, headers included, into the
  // response: the backend must scrub the value from what it reports back.
  await click(session, tid("pg-tab-response"));
  const responseView = (
    await waitForText(session, tid("pg-response-json"), (t) => t.includes("vault"))
  ).join("");
  assert.ok(responseView.includes("<redacted>"), `the echoed header is redacted: ${responseView}`);
  const page = await session.execute(
    `return document.documentElement.outerHTML + JSON.stringify({ ...localStorage })`,
  );
  assert.ok(
    !page.includes(secret),
    "the webview never holds the secret: not in the form, the request or response view, or storage",
  );
  await click(session, tid("pg-tab-request"));
  for (const file of ["history.sqlite3", "history.sqlite3-wal"]) {
    const path = join(dataDir, file);
    if (!existsSync(path)) continue;
    assert.ok(
      !readFileSync(path).includes(secret),
      `${file} does not contain the secret (the keyring does)`,
    );
  }
  await session.screenshot(shot("playground-mcp-secret"));
});

test("compare runs two variants side by side with timings and usage", async () => {
  const { session } = app;
  await freshForm(session, "compare me");
  await click(session, tid("pg-compare-toggle"));
  await setValue(session, tid("pg-variant-model"), "echo-reasoning", 1);
  await click(session, tid("pg-compare-run"));
  const rows = await session.until(
    async () => {
      const all = await texts(session, tid("pg-compare-row"));
      return all.length === 2 && all.every((r) => r.includes("completed")) ? all : null;
    },
    { what: "both variants completed" },
  );
  assert.match(rows[1], /echo-reasoning/, "the second row is the second variant");
  const columns = await texts(session, tid("pg-compare-text"));
  assert.deepEqual(columns, ["compare me", "compare me"], "each variant streamed its answer");
  await expectAccessible(session, "playground-compare");
  await session.screenshot(shot("playground-compare"));
  await click(session, tid("pg-compare-toggle"));
});

test("the answer is added to the input messages and the next run carries it", async () => {
  const { session } = app;
  await freshForm(session, "first turn");
  await runAndWait(session);
  await click(session, tid("pg-add-answer"));
  // The echo's answer as the assistant's, then a new, empty user message.
  await session.until(async () => (await texts(session, tid("pg-message-role"))).length === 3, {
    what: "two messages added",
  });
  const roles = await session.execute(
    `return [...document.querySelectorAll('[data-testid="pg-message-role"]')].map((e) => e.value);`,
  );
  assert.deepEqual(roles, ["user", "assistant", "user"]);
  await setValue(session, tid("pg-message-text"), "second turn", 2);
  await runAndWait(session);
  const sent = recorder.creates().at(-1);
  const said = sent.input.map((m) => [
    m.role,
    typeof m.content === "string" ? m.content : m.content.map((c) => c.text).join(""),
  ]);
  assert.deepEqual(said, [
    ["user", "first turn"],
    ["assistant", "first turn"],
    ["user", "second turn"],
  ]);
  await session.screenshot(shot("playground-add-answer"));
});

test("presets save versions, diff them, load and export", async () => {
  const { session } = app;
  await freshForm(session, "preset");
  await click(session, "[data-testid=pg-presets] > summary");
  await setValue(session, tid("pg-preset-name"), "demo");
  await setValue(session, tid("pg-instructions"), "first");
  await click(session, tid("pg-preset-save"));
  await waitForText(session, tid("pg-preset-message"), (t) => t.includes("v1"));
  await setValue(session, tid("pg-instructions"), "second");
  await click(session, tid("pg-preset-save"));
  await session.until(async () => (await texts(session, tid("pg-preset-version"))).length === 2, {
    what: "two versions",
  });
  const diff = await texts(session, tid("pg-preset-diff"));
  assert.match(diff[0], /- {3}"instructions": "first"/, "the diff shows the old line");
  assert.match(diff[0], /\+ {3}"instructions": "second"/, "and the new one");
  await setValue(session, tid("pg-instructions"), "changed after saving");
  await click(session, tid("pg-preset-load"));
  assert.equal(await value(session, tid("pg-instructions")), "second", "loading restores v2");
  await click(session, tid("pg-preset-export"));
  const exported = await session.until(async () => {
    const v = await value(session, tid("pg-preset-json"));
    return v && v.includes("halley-playground-preset") ? v : null;
  });
  assert.equal(JSON.parse(exported).versions.length, 2, "the export holds every version");
  await expectAccessible(session, "playground-presets");
  await session.screenshot(shot("playground-presets"));
  await click(session, "[data-testid=pg-presets] > summary");
});

test("exported Python and JavaScript send the same JSON the app sends", async () => {
  const { session } = app;
  await freshForm(session, "codegen check");
  await setValue(session, tid("pg-instructions"), "Be brief.");
  await setValue(session, tid("pg-temperature"), "0.5");
  await runAndWait(session);
  const sent = structuredClone(recorder.creates().at(-1));
  assert.equal(sent.stream, true, "the app streams");
  delete sent.stream;
  await click(session, tid("pg-tab-code"));

  const work = mkdtempSync(join(tmpdir(), "halley-codegen-"));
  const env = { ...process.env, OPENAI_API_KEY: KEY };
  const python = process.env.HALLEY_PYTHON || join(ROOT, "target/py-venv/bin/python");
  assert.ok(existsSync(python), `no Python with openai at ${python} (./x setup makes it)`);
  await click(session, tid("pg-code-python"));
  const py = (await texts(session, tid("pg-code")))[0];
  writeFileSync(join(work, "export.py"), py);
  const pyRun = await run(python, [join(work, "export.py")], env);
  assert.equal(pyRun.status, 0, `the exported Python runs: ${pyRun.stderr}`);
  assert.deepEqual(recorder.creates().at(-1), sent, "Python sends the app's JSON");

  const jsDir = join(ROOT, "tests/codegen");
  assert.ok(
    existsSync(join(jsDir, "node_modules/openai")),
    "run `npm ci` in tests/codegen first (./x setup does)",
  );
  await click(session, tid("pg-code-javascript"));
  const js = (await texts(session, tid("pg-code")))[0];
  // Inside tests/codegen so that `import "openai"` resolves there.
  const jsFile = join(jsDir, `export-check-${process.pid}.mjs`);
  writeFileSync(jsFile, js);
  try {
    const jsRun = await run(process.execPath, [jsFile], env);
    assert.equal(jsRun.status, 0, `the exported JavaScript runs: ${jsRun.stderr}`);
  } finally {
    rmSync(jsFile, { force: true });
  }
  assert.deepEqual(recorder.creates().at(-1), sent, "JavaScript sends the app's JSON");
  await expectAccessible(session, "playground-code-export");
  await session.screenshot(shot("playground-code-export"));
});

test("a background run resumes after the app restarts", async () => {
  let { session } = app;
  const text = "resumed after a restart, ".repeat(6).trim();
  await freshForm(session, text);
  await click(session, tid("pg-background"));
  await click(session, tid("pg-add-metadata"));
  // A slow stream (the mock honours metadata.mock_delay_ms per delta).
  await setValue(session, `${tid("pg-metadata")} .kv input`, "mock_delay_ms", 0);
  await setValue(session, `${tid("pg-metadata")} .kv input`, "150", 1);
  await click(session, tid("pg-run"));
  await waitForText(session, tid("pg-server-status"), (t) => t === "in_progress");
  await waitForText(session, `${tid("pg-output-item")}[data-type="message"]`, (t) => t.length > 0);
  const responseId = (await texts(session, `${tid("pg-response-id")} code`))[0];
  assert.match(responseId, /^resp_/);

  await app.stop();
  app = await startApp({
    dataDir,
    name: "playground-restarted",
    env: { HALLEY_EXPORT_DIR: exportDir },
  });
  session = app.session;
  await openPlayground(session);
  const offered = await waitForText(session, tid("pg-background-run"), (t) =>
    t.includes(responseId),
  );
  assert.equal(offered.length, 1, "the unfinished run is offered for resume");
  await session.screenshot(shot("playground-background-resume"));
  await click(session, tid("pg-resume"));
  await waitForText(session, tid("pg-status"), (t) => t.includes("completed"), {
    timeout: 30000,
  });
  const message = await texts(session, `${tid("pg-output-item")}[data-type="message"]`);
  assert.ok(message[0].includes(text), "the whole answer arrived after the resume");
  const resumes = recorder.requests.filter(
    (r) => r.method === "GET" && r.path.startsWith(`/v1/responses/${responseId}?stream=true`),
  );
  assert.equal(resumes.length, 1, "one resume request");
  assert.match(resumes[0].path, /starting_after=\d+/, "it resumes after the saved event");
  assert.equal(
    (await texts(session, tid("pg-background-run"))).length,
    0,
    "a completed run is no longer offered",
  );
});
