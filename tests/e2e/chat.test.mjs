// The chat, end to end: the real app (WebKitGTK webview, Rust backend,
// SQLite, keyring) streaming from halley-mock over loopback. One app session
// serves the subtests in order; it is restarted only where that is the point.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ROOT, freshDataDir, shot, startApp, startMock, test } from "./lib/harness.mjs";
import {
  CONTROL,
  newChat,
  randomKey,
  setupFresh,
  send,
  setModel,
  settledAnswer,
  tid,
} from "./lib/chat.mjs";
import { expectAccessible } from "./lib/a11y.mjs";

const CASES = resolve(ROOT, "../shared/fixtures/responses/cases");
const exportDir = mkdtempSync(join(tmpdir(), "halley-e2e-export-"));
const dataDir = freshDataDir();
const env = { HALLEY_EXPORT_DIR: exportDir };
const apiKey = randomKey();
// Words no other text contains, so search hits and answers are unambiguous.
const word = (stem) => `${stem}${Math.random().toString(36).slice(2, 8).replace(/\d/g, "q")}`;
const searchable = word("quokka");

let mock;
let app;
let session;
let conversationsMade = 0;

before(async () => {
  mock = await startMock(["--cases", CASES]);
  app = await startApp({ dataDir, env, name: "chat" });
  session = app.session;
  await setupFresh(app, { baseUrl: mock.baseUrl, apiKey });
});

after(async () => {
  await app?.stop();
  await mock?.stop();
});

/** A new conversation with `model`, one message sent; resolves with the settled answer. */
async function ask(model, text, options = {}) {
  await newChat(session);
  await setModel(session, model);
  await send(session, text);
  conversationsMade += 1;
  return settledAnswer(session, options);
}

async function lastUserText() {
  const users = await session.findAll(tid("message-user"));
  return users.length ? users[users.length - 1].text() : "";
}

test("a streamed echo answer shows the sent text", async () => {
  const text = `hello from the e2e test ${searchable}`;
  await newChat(session);
  await setModel(session, "echo");
  await send(session, text);
  conversationsMade += 1;
  // The run is visible while it streams: the assistant turn appears before it ends.
  await session.waitFor(tid("message-assistant"));
  const answer = await settledAnswer(session);
  assert.equal(answer.status, "complete", "echo ends with response.completed");
  assert.ok(answer.text.includes(text), `echo streams the user's text back, got ${answer.text}`);
  assert.ok((await lastUserText()).includes(text), "the user's message is shown above the answer");
  await session.screenshot(shot("chat-echo"));
});

test("a markdown answer renders a table and a code block", async () => {
  const answer = await ask("echo", "please answer in markdown");
  assert.equal(answer.status, "complete", "the markdown echo completes");
  const counts = await session.execute(
    `const m = [...document.querySelectorAll('[data-testid="message-assistant"]')].pop();
     return { table: m.querySelectorAll('table td').length, code: m.querySelectorAll('pre code').length,
              heading: m.querySelectorAll('h1, h2').length, items: m.querySelectorAll('li').length };`,
  );
  // The mock's markdown answer has a 2x2 table, a rust block, headings and a list.
  assert.ok(
    counts.table >= 4,
    `the table is rendered as <table> cells (${JSON.stringify(counts)})`,
  );
  assert.ok(counts.code >= 1, "the fenced block is rendered as <pre><code>");
  assert.ok(counts.heading >= 1 && counts.items >= 2, "headings and list items are rendered");
  assert.ok(!answer.text.includes("| --- |"), "no raw table syntax is left as text");
  await session.screenshot(shot("chat-markdown"));
});

test("Stop during a slow stream keeps the partial text and marks it stopped", async () => {
  await newChat(session);
  await setModel(session, "fault:slow");
  const text = "slow answer please ".repeat(12).trim();
  await send(session, text);
  conversationsMade += 1;
  const stop = await session.waitFor(tid("stop-button"));
  // Wait for some streamed text, so there is something partial to keep.
  await session.until(
    async () => {
      const all = await session.findAll(tid("message-assistant"));
      return all.length && (await all[all.length - 1].text()).trim().length > 10;
    },
    { what: "some streamed text" },
  );
  await stop.click();
  const answer = await settledAnswer(session);
  assert.equal(answer.status, "stopped", "a user Stop is recorded as stopped");
  const badge = await answer.el.find(tid("status-badge"));
  assert.ok(badge, "a stopped badge shows on the answer");
  assert.match(await badge.text(), /stop/i, "the badge says stopped, not interrupted");
  const shown = answer.text.trim();
  assert.ok(shown.length > 0, "the partial text is kept");
  // 100 ms per delta: stopping after ~1 s leaves well short of the full echo.
  assert.ok(!answer.text.includes(text), "the answer was cut short, not completed");
  assert.ok(
    text.startsWith(shown.slice(0, 10)),
    `the partial text is the echo's beginning: ${shown}`,
  );
  await expectAccessible(session, "chat-stopped");
  await session.screenshot(shot("chat-stopped"));
});

test("an HTTP 500 shows the error banner, and Retry with echo answers", async () => {
  const text = `server error please ${word("w")}`;
  const failed = await ask("fault:500", text, { timeout: 60000 });
  assert.equal(failed.status, "error", "an always-500 request ends in error after the retries");
  const banner = await session.waitFor(tid("error-banner"));
  assert.match(await banner.text(), /HTTP 500/, "the banner names the HTTP status");
  await expectAccessible(session, "chat-error-500");
  await session.screenshot(shot("chat-error-500"));

  await setModel(session, "echo");
  await (await session.find(tid("retry-button"))).click();
  // Retry regenerates beside the failed answer; the shown turn becomes the new one.
  const retried = await session.until(
    async () => {
      const a = await settledAnswer(session);
      return a.status === "complete" && a.text.includes(text) ? a : null;
    },
    { timeout: 30000, what: "the retried answer" },
  );
  assert.ok(retried.text.includes(text), "the retry with echo answers the same message");
  assert.equal(await session.find(tid("error-banner")), null, "the new answer has no error");
});

test("an HTTP 401 says the key was refused and leads to Settings", async () => {
  const answer = await ask("fault:401", `unauthorized please ${word("w")}`);
  assert.equal(answer.status, "error", "401 is not retried and ends the turn in error");
  const banner = await session.waitFor(tid("error-banner"));
  assert.match(await banner.text(), /HTTP 401/, "the banner names the HTTP status");
  assert.match(await banner.text(), /refused the API key/, "in words a user can act on");
  assert.equal(
    (await session.findAll(tid("regenerate"))).length,
    0,
    "an answer that is only an error offers Retry in its banner, not a second Regenerate",
  );
  await session.screenshot(shot("chat-error-401"));
  await (await session.find(tid("fix-key"))).click();
  await session.waitFor(tid("provider-item"));
  await session.keys("\uE00C");
});

test("a 500 on the first attempt is retried automatically and answers", async () => {
  const text = `flaky server ${word("w")}`;
  const answer = await ask("fault:500-once", text, { timeout: 30000 });
  assert.equal(
    answer.status,
    "complete",
    "the client retries a 5xx and the second attempt succeeds",
  );
  assert.ok(answer.text.includes(text), "the retried attempt streams the echo");
  assert.equal(await session.find(tid("error-banner")), null, "no error is left once it succeeded");
});

test("a dropped connection keeps the partial text and shows the error", async () => {
  const text = "dropped connection test with enough words to need many deltas";
  const answer = await ask("fault:drop-after-5", text, { timeout: 30000 });
  assert.notEqual(answer.status, "complete", "a cut stream is not a complete answer");
  assert.ok(await session.find(tid("error-banner")), "the cut is explained in the error banner");
  const partial = answer.text.trim();
  assert.ok(partial.length > 0, "the text received before the drop is kept");
  assert.ok(text.startsWith(partial.slice(0, 8)), `the kept text is the echo's start: ${partial}`);
  await session.screenshot(shot("chat-dropped"));
});

test("editing a user message makes a branch with ‹ 2/2 › that switches the answer", async () => {
  const first = `first version ${word("alpha")}`;
  const second = `second version ${word("beta")}`;
  const a1 = await ask("echo", first);
  assert.ok(a1.text.includes(first), "the first version is answered");

  await (await session.find(tid("edit-message"))).click();
  const edit = await session.waitFor(tid("edit-input"));
  await edit.clear();
  await edit.type(second);
  await (await session.find(tid("save-edit"))).click();
  const a2 = await session.until(
    async () => {
      const a = await settledAnswer(session);
      return a.text.includes(second) ? a : null;
    },
    { what: "the edited branch's answer" },
  );
  assert.ok(a2.text.includes(second), "the edit is sent and answered");
  const position = await session.waitFor(tid("branch-position"));
  assert.equal(await position.text(), "2/2", "the edit is the second of two branches");
  await expectAccessible(session, "chat-branch-2");
  await session.screenshot(shot("chat-branch-2"));

  await (await session.find(tid("branch-prev"))).click();
  await session.until(
    async () => (await (await session.find(tid("branch-position"))).text()) === "1/2",
    {
      what: "branch 1/2",
    },
  );
  const shown = await settledAnswer(session);
  assert.ok(shown.text.includes(first), "branch 1 shows the first version's answer again");
  assert.ok(!shown.text.includes(second), "and not the edited one");
  await (await session.find(tid("branch-next"))).click();
  await session.until(async () => (await settledAnswer(session)).text.includes(second), {
    what: "branch 2's answer after ›",
  });
});

/** A 1x1 PNG, written to a temp file for the file input. */
function pngFile() {
  const png = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
    "base64",
  );
  const path = join(mkdtempSync(join(tmpdir(), "halley-e2e-img-")), "dot.png");
  writeFileSync(path, png);
  return path;
}

test("an image attachment is sent and the echo mentions [1 image]", async () => {
  await newChat(session);
  await setModel(session, "echo");
  const path = pngFile();
  const input = await session.find(tid("attach-input"));
  // WebDriver "send keys" to <input type=file> sets its files, as a user picking one would.
  await input.type(path);
  // The composer shows a chip with the image's thumbnail once it has read the file.
  await session.waitFor('.chip img[src^="data:image/png"]');
  const text = `what is in this picture ${word("w")}`;
  await send(session, text);
  conversationsMade += 1;
  const answer = await settledAnswer(session);
  assert.ok(answer.text.includes("[1 image]"), `the mock saw one input_image: ${answer.text}`);
  // The stored message shows the file's name and the image itself, read back
  // from the history as a data: URL (never a network load). (textContent:
  // WebKitWebDriver's visible-text drops text clipped with an ellipsis.)
  const chip = await session.waitFor(
    `${tid("message-user")} ${tid("attachment-chip")} img[src^="data:image/png;base64,"]`,
  );
  assert.equal(await chip.attribute("alt"), "dot.png", "the thumbnail is the attached file");
  const names = await session.execute(
    'return [...document.querySelectorAll(\'[data-testid="message-user"] [data-testid="attachment-chip"]\')].map((e) => e.textContent)',
  );
  assert.ok(
    names.some((n) => n.includes("dot.png")),
    `the user message lists the attached file: ${names}`,
  );
  await expectAccessible(session, "chat-image");
  await session.screenshot(shot("chat-image"));
});

test("a send that fails keeps the text visible (composer or saved message)", async () => {
  const port = mock.port;
  await mock.stop();
  const text = `nobody is listening ${word("w")}`;
  try {
    await newChat(session);
    await send(session, text);
    conversationsMade += 1;
    // chat.svelte.ts: the backend saves the user message before the request, and
    // sendMessage gives the text back to the composer only if the send itself
    // was refused. Either way the user must still see what they wrote.
    await session.until(
      async () => {
        if (await session.find(tid("stop-button"))) return false;
        const composer = await session.execute(
          "return document.querySelector('[data-testid=\"composer-input\"]').value",
        );
        return composer === text || (await lastUserText()).includes(text);
      },
      { timeout: 60000, what: "the failed send to settle" },
    );
    const composer = await session.execute(
      "return document.querySelector('[data-testid=\"composer-input\"]').value",
    );
    if (composer !== text) {
      // The run started, so its failure belongs on the answer, not in a toast only.
      assert.ok(
        await session.find(tid("error-banner")),
        "the network error is shown on the answer",
      );
    }
    await session.screenshot(shot("chat-send-failed"));
  } finally {
    mock = await startMock(["--cases", CASES], { port });
  }
});

test("after a restart the conversations and messages are still there", async () => {
  await app.stop();
  app = await startApp({ dataDir, env, name: "chat-restart" });
  session = app.session;
  assert.equal(
    await session.find(tid("setup-screen")),
    null,
    "the provider and key survive a restart",
  );
  const items = await session.until(
    async () => {
      const list = await session.findAll(tid("conversation-item"));
      return list.length >= conversationsMade ? list : null;
    },
    { what: `${conversationsMade} conversations in the sidebar` },
  );
  assert.equal(items.length, conversationsMade, "every conversation made is listed once");
  // The oldest conversation is at the bottom: the first echo.
  await (await items[items.length - 1].find("button.open")).click();
  await session.until(async () => (await lastUserText()).includes(searchable), {
    what: "the first conversation's message after restart",
  });
  const answer = await settledAnswer(session);
  assert.ok(answer.text.includes(searchable), "the stored answer is shown after restart");
  await session.screenshot(shot("chat-restarted"));
});

test("Ctrl+K search finds an earlier message and opens its conversation", async () => {
  await newChat(session);
  await (await session.find(tid("composer-input"))).click();
  await session.chord(CONTROL, "k");
  const input = await session.waitFor(tid("search-input"));
  await input.type(searchable);
  const hit = await session.waitFor(tid("search-result"));
  assert.match(await hit.text(), new RegExp(searchable), "the hit's snippet shows the word");
  await session.screenshot(shot("chat-search-results"));
  await hit.click();
  await session.until(async () => (await lastUserText()).includes(searchable), {
    what: "the found conversation to open",
  });
  assert.equal(
    await session.find(tid("search-input")),
    null,
    "opening a result closes the palette",
  );
  await session.screenshot(shot("chat-search"));
});

test("Settings exports the open conversation to Markdown", async () => {
  // The conversation opened by the search above is the current one.
  await (await session.find(tid("settings-button"))).click();
  await (await session.waitFor(tid("export-markdown"))).click();
  const status = await session.waitFor(tid("export-path"));
  assert.ok((await status.text()).includes(exportDir), "the export went to HALLEY_EXPORT_DIR");
  const files = readdirSync(exportDir).filter((f) => f.endsWith(".md"));
  assert.equal(files.length, 1, "exactly one Markdown file was written");
  const markdown = readFileSync(join(exportDir, files[0]), "utf8");
  assert.ok(
    markdown.includes(`hello from the e2e test ${searchable}`),
    "the user message is exported",
  );
  // The answer echoes the message, so the text appears at least twice.
  assert.ok(markdown.split(searchable).length - 1 >= 2, "the assistant answer is exported too");
  assert.ok(!markdown.includes(apiKey), "an export never contains the API key");
  await session.screenshot(shot("chat-export"));
  await session.keys("\uE00C");
});
