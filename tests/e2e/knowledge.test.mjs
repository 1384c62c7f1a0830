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

/** A real PDF with one uncompressed page of `lines` (what the mock's extractor reads). */
function simplePdf(lines) {
  const shown = lines.map((line) => `0 -14 Td (${line}) Tj`).join(" ");
  const content = `BT /F1 12 Tf 72 720 Td ${shown} ET`;
  return Buffer.from(
    "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" +
      `2 0 obj << /Length ${content.length} >>\nstream\n${content}\nendstream\nendobj\n%%EOF\n`,
  );
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
  await input.type(
    textFile(
      "launch-plan.pdf",
      simplePdf(["Section 1: the team.", "Section 3: the launch moves to May."]),
    ),
  );
  await session
    .until(async () => (await chipState("launch-plan.pdf")) === "ready", {
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
    ["launch-plan.pdf"],
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

  // Asked about it, the answer cites the file; the citation opens the passage.
  await send(session, "what does section 3 say about the launch?");
  const answer = await settledAnswer(session);
  assert.equal(answer.status, "complete", `the turn completed: ${JSON.stringify(answer)}`);
  const citation = await session.waitFor(tid("file-citation"));
  assert.match(await citation.text(), /launch-plan\.pdf/, "the citation names the file");
  await citation.click();
  const passage = await (await session.waitFor(tid("file-passage"))).text();
  assert.match(passage, /Section 3: the launch moves to May/, `the cited passage: ${passage}`);
  await session.screenshot(shot("chat-file-citation"));
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

test("a 40 MB PDF goes to the provider once and is sent by file id, where inline it would be too large", async () => {
  await newChat(session);
  await setModel(session, "echo");
  const big = Buffer.concat([
    simplePdf(["Section 3: the annex."]),
    Buffer.alloc(40 * 1024 * 1024, "%"),
  ]);
  await (await session.find(tid("attach-input"))).type(textFile("annual-report.pdf", big));
  const readAt = Date.now();
  await session.waitFor(tid("pending-attachment"), { timeout: 60000 }).catch(async (error) => {
    const toasts = await session.execute(
      `return [...document.querySelectorAll('[role="status"], [role="alert"]')].map((t) => t.textContent).join(" / ");`,
    );
    throw new Error(`${error.message}; toasts: ${toasts}`);
  });
  console.log(`[e2e knowledge] a 40 MB PDF read in ${Date.now() - readAt} ms`);
  await send(session, "summarise the annex");
  const answer = await settledAnswer(session, { timeout: 60000 });
  assert.equal(answer.status, "complete", `answered: ${JSON.stringify(answer)}`);
  assert.match(answer.text, /\[1 file\]/, "the mock read the file");
  const uploads = () => atProvider("files").then((f) => f.filter((x) => x.purpose === "user_data"));
  const [uploaded] = await uploads();
  assert.equal(uploaded?.filename, "annual-report.pdf", "uploaded for the turn");
  assert.equal(uploaded.bytes, big.length);
  // The next turn sends the same file by id: nothing uploaded again.
  await send(session, "and the introduction?");
  assert.equal((await settledAnswer(session, { after: 1, timeout: 60000 })).status, "complete");
  assert.equal((await uploads()).length, 1, "uploaded once");
  // Deleting the conversation deletes it at the provider too.
  await session.execute(
    `document.querySelector('.item.active [data-testid="delete-conversation"]').click();`,
  );
  await session.until(async () => (await uploads()).length === 0, {
    what: "the uploaded PDF deleted at the provider",
  });
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

test("an image that fails mid-stream and an expired container file each say so, keeping the question", async () => {
  await newChat(session);
  await setModel(session, "echo");
  await clickTestId("image-toggle");
  await send(session, "fail image of a boat");
  const failed = await settledAnswer(session);
  assert.equal(failed.status, "error", "the failed generation ends the answer as an error");
  const hint = await (await session.waitFor(tid("error-hint"))).text();
  assert.match(hint, /stopped this answer partway/, `explained in words: ${hint}`);
  const question = await (await session.waitFor(tid("message-user"))).text();
  assert.match(question, /fail image of a boat/, "the user's message is kept");
  await session.waitFor(tid("retry-button"));
  await clickTestId("image-toggle");

  await newChat(session);
  await clickTestId("code-toggle");
  await send(session, "chart it from the expired container");
  const answer = await settledAnswer(session);
  assert.equal(answer.status, "complete", "the answer itself is fine");
  await session.waitFor(tid("download-missing"));
  const missing = await session.execute(
    `return [...document.querySelectorAll('[data-testid="download-missing"]')].map((m) => m.textContent).join(" | ");`,
  );
  assert.match(missing, /data\.csv/, `the missing file is named: ${missing}`);
  assert.match(missing, /no longer available/, `said in words: ${missing}`);
  await clickTestId("code-toggle");
});
