// The Playground's built-in tools end to end: the real app against
// halley-mock (behind the recording proxy, so the wire can be checked). The
// vector-store picker uploads two files and makes a store of them, each file
// is followed to "ready", file search runs over it and the result card shows
// the passage it quoted; the exported Python then uploads the same files,
// makes its own store and sends the same request with the new ids.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, freshDataDir, shot, startApp, startMock, test } from "./lib/harness.mjs";
import { startRecorder } from "./lib/recorder.mjs";
import { expectAccessible } from "./lib/a11y.mjs";

const KEY = "sk-e2e-playground-tools";
const QUOTE = "The launch moves to the ninth of May.";
const work = mkdtempSync(join(tmpdir(), "halley-pg-tools-"));
let mock;
let recorder;
let app;

const tid = (id) => `[data-testid="${id}"]`;

function setValue(session, selector, value, index = 0) {
  return session.execute(
    `const el = document.querySelectorAll(arguments[0])[arguments[2]];
     if (!el) throw new Error("no element " + arguments[0]);
     const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype
       : el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
     Object.getOwnPropertyDescriptor(proto, "value").set.call(el, arguments[1]);
     el.dispatchEvent(new Event("input", { bubbles: true }));
     el.dispatchEvent(new Event("change", { bubbles: true }));
     return true;`,
    [selector, value, index],
  );
}

function click(session, selector, index = 0) {
  return session.execute(
    `const el = document.querySelectorAll(arguments[0])[arguments[1]];
     if (!el) throw new Error("no element " + arguments[0]);
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

function file(name, text) {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

function run(program, args, env, cwd) {
  return new Promise((ok, fail) => {
    const child = spawn(program, args, {
      env,
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", fail);
    child.on("exit", (status) => ok({ status, stderr }));
  });
}

/** The mock's own list of `what`, read with the same key. */
async function atProvider(what) {
  const response = await fetch(`${mock.baseUrl}/${what}`, {
    headers: { authorization: `Bearer ${KEY}` },
  });
  assert.equal(response.status, 200, `GET /${what}`);
  return (await response.json()).data;
}

before(async () => {
  mock = await startMock();
  recorder = await startRecorder(mock.baseUrl);
  app = await startApp({
    dataDir: freshDataDir(),
    name: "playground-tools",
    env: { HALLEY_EXPORT_DIR: work },
  });
  const { session } = app;
  await session.waitFor(tid("api-key-input"), { timeout: 20000 });
  await setValue(session, tid("provider-select"), "custom");
  await setValue(session, tid("base-url-input"), recorder.baseUrl);
  await setValue(session, tid("api-key-input"), KEY);
  await click(session, tid("save-key"));
  await session.waitFor(tid("composer-input"), { timeout: 20000 });
  await click(session, tid("mode-playground"));
  await session.waitFor(tid("playground"));
});

after(async () => {
  await app?.stop();
  await recorder?.stop();
  mock?.stop();
});

test("the vector-store picker makes a store from two files and file search quotes them", async () => {
  const { session } = app;
  await click(session, tid("pg-reset"));
  await setValue(session, tid("pg-model"), "echo");
  await setValue(session, tid("pg-message-text"), "When does the launch move?");
  await click(session, tid("pg-tool-file-search"));
  await session.waitFor(tid("pg-vs-picker"));

  const launch = file("launch-plan.txt", `Section 1: budget is fine.\n\nSection 3: ${QUOTE}`);
  const menu = file("menu.txt", "Lunch is rice and soup on Fridays.");
  await setValue(session, tid("pg-vs-name"), "launch docs");
  const input = await session.find(tid("pg-vs-files"));
  // WebDriver "send keys" to a multiple <input type=file>: one path per line.
  await input.type(`${launch}\n${menu}`);
  await session.until(
    async () =>
      session.execute(`return !document.querySelector(arguments[0]).disabled;`, [
        tid("pg-vs-create"),
      ]),
    { what: "Create enabled once files are chosen" },
  );
  await click(session, tid("pg-vs-create"));

  const states = await session.until(
    async () => {
      const rows = await session.execute(
        `return [...document.querySelectorAll(arguments[0])].map((r) => [r.dataset.name, r.dataset.state]);`,
        [tid("pg-vs-file")],
      );
      return rows.length === 2 && rows.every(([, state]) => state === "ready") ? rows : null;
    },
    { timeout: 30000, what: "both files uploaded and indexed" },
  );
  assert.deepEqual(states.map(([name]) => name).sort(), ["launch-plan.txt", "menu.txt"]);

  // At the provider: two files, one store holding both, picked for file_search.
  const files = await atProvider("files");
  assert.deepEqual(files.map((f) => f.filename).sort(), ["launch-plan.txt", "menu.txt"]);
  const stores = await atProvider("vector_stores");
  assert.equal(stores.length, 1, "one store");
  assert.equal(stores[0].name, "launch docs");
  const storeId = stores[0].id;
  const ids = await session.execute(`return document.querySelector(arguments[0]).value;`, [
    tid("pg-fs-store-ids"),
  ]);
  assert.equal(ids, storeId, "the new store is picked");

  await click(session, tid("pg-fs-include-results"));
  await click(session, tid("pg-run"));
  await session.until(
    async () => (await texts(session, tid("pg-status"))).some((t) => t.includes("completed")),
    { timeout: 20000, what: "the run completes" },
  );

  const sent = recorder.creates().at(-1);
  assert.deepEqual(sent.tools, [{ type: "file_search", vector_store_ids: [storeId] }]);
  assert.deepEqual(sent.include, ["file_search_call.results"]);

  const card = `${tid("pg-output-item")}[data-type="file_search_call"]`;
  const results = await texts(session, `${card} ${tid("pg-search-result")}`);
  assert.ok(results.length >= 1, "the call lists its results");
  assert.ok(
    results.some((r) => r.includes("launch-plan.txt") && r.includes(QUOTE)),
    `a result names the file and shows the passage: ${JSON.stringify(results)}`,
  );
  const message = await texts(session, `${tid("pg-output-item")}[data-type="message"]`);
  assert.ok(
    message.some((m) => m.includes(QUOTE)),
    "the answer quotes it",
  );

  await expectAccessible(session, "playground-file-search");
  await session.screenshot(shot("playground-file-search"));
});

test("the exported Python uploads the files, makes the store and sends the same request", async () => {
  const { session } = app;
  const python = process.env.HALLEY_PYTHON || join(ROOT, "target/py-venv/bin/python");
  assert.ok(existsSync(python), `no Python with openai at ${python} (./x setup makes it)`);
  const sent = structuredClone(recorder.creates().at(-1));
  delete sent.stream;
  const before = await atProvider("vector_stores");

  await click(session, tid("pg-tab-code"));
  await click(session, tid("pg-code-python"));
  const code = (await texts(session, tid("pg-code")))[0];
  assert.match(code, /client\.files\.create\(file=open\("launch-plan\.txt", "rb"\)/);
  writeFileSync(join(work, "export.py"), code);
  // The script opens the files by name, next to it, as the user's copies would be.
  const done = await run(
    python,
    [join(work, "export.py")],
    { ...process.env, OPENAI_API_KEY: KEY },
    work,
  );
  assert.equal(done.status, 0, `the exported Python runs: ${done.stderr}`);

  const after = await atProvider("vector_stores");
  assert.equal(after.length, before.length + 1, "the script made its own store");
  const made = after.find((s) => !before.some((b) => b.id === s.id));
  const fromScript = recorder.creates().at(-1);
  assert.deepEqual(
    fromScript,
    { ...sent, tools: [{ type: "file_search", vector_store_ids: [made.id] }] },
    "the same request, with the store the script made",
  );
});

test("a message's uploaded PDF goes by file id, and code and image cards show the chart, the logs, the image and save the CSV", async () => {
  const { session } = app;
  await click(session, tid("pg-reset"));
  await setValue(session, tid("pg-model"), "echo");
  await setValue(session, tid("pg-message-text"), "make a chart of monthly sales and draw it");
  await click(session, tid("pg-add-file"));
  const pdf = file("sales.pdf", "%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n");
  await (await session.find(tid("pg-attachment-file"))).type(pdf);
  const fileId = await session.until(
    async () =>
      session.execute(`return document.querySelector(arguments[0])?.value || null;`, [
        tid("pg-attachment-id"),
      ]),
    { what: "the PDF uploaded and its id in the form" },
  );
  const uploaded = (await atProvider("files")).find((f) => f.id === fileId);
  assert.equal(uploaded?.purpose, "user_data", "uploaded as a model input");
  await click(session, tid("pg-tool-code-interpreter"));
  await click(session, tid("pg-tool-image-generation"));
  // The code run's logs and chart come back only when included.
  await session.execute(
    `[...document.querySelectorAll('label.toggle')].find((l) => l.textContent.includes('code_interpreter_call.outputs'))?.querySelector('input').click();`,
  );
  await click(session, tid("pg-run"));
  await session.until(
    async () => (await texts(session, tid("pg-status"))).some((t) => t.includes("completed")),
    { timeout: 20000, what: "the run completes" },
  );

  const sent = recorder.creates().at(-1);
  assert.deepEqual(
    sent.input[0].content.find((p) => p.type === "input_file"),
    { type: "input_file", file_id: fileId },
    "the PDF went by its id",
  );
  assert.deepEqual(
    sent.tools.map((t) => t.type),
    ["code_interpreter", "image_generation"],
  );
  assert.ok(sent.include.includes("code_interpreter_call.outputs"));

  const code = `${tid("pg-output-item")}[data-type="code_interpreter_call"]`;
  assert.ok((await texts(session, `${code} ${tid("pg-code-interpreter-code")}`))[0].length > 0);
  assert.ok((await texts(session, `${code} ${tid("pg-code-logs")}`))[0].length > 0, "its logs");
  await session.waitFor(`${code} ${tid("pg-card-image")}`);
  const image = `${tid("pg-output-item")}[data-type="image_generation_call"] ${tid("pg-generated-image")}`;
  await session.waitFor(`${image}[data-partial="false"]`);
  // (The mock refuses a file id it does not have: the run completing is the id accepted.)

  // The CSV the run wrote is saved from the container with its bytes.
  await click(session, `${tid("pg-container-file")}[data-name="data.csv"]`);
  await session.waitFor(tid("pg-container-saved"));
  const container = await fetch(`${mock.baseUrl}/containers/cntr_any/files/cfile_data/content`, {
    headers: { authorization: `Bearer ${KEY}` },
  });
  const saved = readdirSync(work).find((f) => f.startsWith("data") && f.endsWith(".csv"));
  assert.ok(saved, "saved into the export folder");
  assert.deepEqual(
    readFileSync(join(work, saved)),
    Buffer.from(await container.arrayBuffer()),
    "with the container file's bytes",
  );
  await session.screenshot(shot("playground-code-image-cards"));
});
