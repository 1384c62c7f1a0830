// A conversation's knowledge, end to end: the real app uploads files picked in
// the composer to halley-mock's Files API, indexes them in one vector store,
// shows each file's state, sends file_search with the turn, and deletes what
// it uploaded at the provider when a file or the conversation is removed —
// checked on the mock's side, through its own API.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshDataDir, shot, startApp, startMock, test } from "./lib/harness.mjs";
import { newChat, randomKey, send, setModel, setupFresh, settledAnswer, tid } from "./lib/chat.mjs";

const apiKey = randomKey();
const exportDir = mkdtempSync(join(tmpdir(), "halley-e2e-saved-"));
let mock;
let app;
let session;

before(async () => {
  mock = await startMock([]);
  // Debug builds read the indexing poll interval: no second-long waits.
  app = await startApp({
    dataDir: freshDataDir(),
    env: { HALLEY_KNOWLEDGE_POLL_MS: "50", HALLEY_EXPORT_DIR: exportDir },
    name: "knowledge",
  });
  session = app.session;
  await setupFresh(app, { baseUrl: mock.baseUrl, apiKey });
});

after(async () => {
  await app?.stop();
  await mock?.stop();
});

/** The mock's own list of `what` (files, vector_stores), read with the same key. */
async function atProvider(what) {
  const response = await fetch(`${mock.baseUrl}/${what}`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  assert.equal(response.status, 200, `GET /${what}`);
  return (await response.json()).data;
}

function textFile(name, text) {
  const path = join(mkdtempSync(join(tmpdir(), "halley-e2e-knowledge-")), name);
  writeFileSync(path, text);
  return path;
}

/** Clicks by script: a toast from the test before may lie over the toolbar. */
async function clickTestId(id) {
  await session.execute(`document.querySelector('[data-testid="' + arguments[0] + '"]').click();`, [
    id,
  ]);
}

/** The state shown on the knowledge chip named `name`. */
async function chipState(name) {
  return session.execute(
    `const chip = [...document.querySelectorAll('[data-testid="knowledge-file"]')]
       .find((c) => c.textContent.includes(arguments[0]));
     return chip ? chip.dataset.state : null;`,
    [name],
  );
}

test("files added to a new chat upload, index and are offered to file search; failures say why and leave nothing", async () => {
  await newChat(session);
  await setModel(session, "echo");
  const input = await session.find(tid("knowledge-input"));
  // WebDriver "send keys" to <input type=file> sets its files, as picking them would.
  await input.type(textFile("launch-notes.txt", "Section 3: the launch moves to May."));
  await session
    .until(async () => (await chipState("launch-notes.txt")) === "ready", {
      what: "the file's chip says ready",
    })
    .catch(async (error) => {
      const seen = await session.execute(
        `return (document.querySelector('[data-testid="knowledge-list"]')?.outerHTML ?? "no list") + " | body: " + document.body.innerText.slice(-600) +
           " | toasts: " + [...document.querySelectorAll('[role="status"], [role="alert"], .toast')].map((t) => t.textContent).join(" / ");`,
      );
      throw new Error(`${error.message}; the page shows: ${seen}`);
    });
  const files = await atProvider("files");
  assert.deepEqual(
    files.map((f) => f.filename),
    ["launch-notes.txt"],
    "the file went to the provider once",
  );
  const stores = await atProvider("vector_stores");
  assert.equal(stores.length, 1, "the conversation has one store");
  assert.ok(
    (await session.findAll(`${tid("conversation-item")}.active`)).length === 1,
    "the new chat became a conversation for the file",
  );

  // A file the provider cannot index fails with its reason and is deleted there.
  await input.type(textFile("unindexable-scan.txt", "????"));
  await session.until(async () => (await chipState("unindexable-scan.txt")) === "failed", {
    what: "the failed file's chip",
  });
  const reason = await session.execute(
    `return [...document.querySelectorAll('[data-testid="knowledge-file"]')]
       .find((c) => c.textContent.includes("unindexable"))?.title ?? "";`,
  );
  assert.match(reason, /could not be read for search/, `the chip says why: ${reason}`);
  assert.equal((await atProvider("files")).length, 1, "the failed upload was deleted");
  await session.screenshot(shot("chat-knowledge"));

  // A turn with a ready file still answers (file_search rides along; the
  // request's tools are checked in halley-core's tests).
  await send(session, "what does section 3 say?");
  const answer = await settledAnswer(session);
  assert.equal(answer.status, "complete", `the turn completed: ${JSON.stringify(answer)}`);
});

test("removing a file and deleting the conversation delete the uploads at the provider", async () => {
  await (
    await session.waitFor(
      `${tid("knowledge-file")}[data-state="failed"] ${tid("knowledge-remove")}`,
    )
  ).click();
  await session.until(async () => (await chipState("unindexable-scan.txt")) === null, {
    what: "the failed file's chip goes",
  });
  assert.equal((await atProvider("files")).length, 1, "the ready file stays");

  await session.execute(
    `document.querySelector('.item.active [data-testid="delete-conversation"]').click();`,
  );
  await session.until(async () => (await atProvider("files")).length === 0, {
    what: "the uploaded file deleted at the provider",
  });
  assert.equal((await atProvider("vector_stores")).length, 0, "and the store");
});

test("a code run shows its code, logs and chart, and its CSV is kept and saved with the right bytes", async () => {
  await newChat(session);
  await setModel(session, "echo");
  await clickTestId("code-toggle");
  await send(session, "make a chart of monthly sales");
  await settledAnswer(session);
  await session.waitFor(tid("code-run"));
  const logs = await session.execute(
    `return document.querySelector('[data-testid="code-logs"]')?.textContent ?? "";`,
  );
  assert.ok(logs.length > 0, "the run's output is shown");
  // The chart is shown from the kept bytes (a blob: URL, never a remote load).
  await session.waitFor(`${tid("kept-image")}[data-kind="code_image"] img[src^="blob:"]`);
  await session.waitFor(`${tid("download-chip")}[data-name="data.csv"]`);
  await session.execute(
    `document.querySelector('[data-testid="download-chip"][data-name="data.csv"]').click();`,
  );
  const saved = await session.until(
    async () => readdirSync(exportDir).find((f) => f.startsWith("data") && f.endsWith(".csv")),
    { what: "the CSV saved into the export folder" },
  );
  const container = await fetch(`${mock.baseUrl}/containers/cntr_any/files/cfile_data/content`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  assert.deepEqual(
    readFileSync(join(exportDir, saved)),
    Buffer.from(await container.arrayBuffer()),
    "the saved file has the container file's bytes",
  );
  await session.screenshot(shot("chat-code"));
  await clickTestId("code-toggle");
});

test("an image generation shows the kept image, which is still there after reopening", async () => {
  await newChat(session);
  await setModel(session, "echo");
  await clickTestId("image-toggle");
  await send(session, "draw a lighthouse at dusk");
  await settledAnswer(session);
  await session.waitFor(`${tid("kept-image")}[data-kind="image"] img[src^="blob:"]`);
  await session.screenshot(shot("chat-image"));
  // Reopen: the image comes from the history, not the provider.
  await newChat(session);
  await session.execute(
    `document.querySelector('[data-testid="conversation-item"] button').click();`,
  );
  await session.waitFor(`${tid("kept-image")}[data-kind="image"] img[src^="blob:"]`);
  await clickTestId("image-toggle");
});
