// Accessibility of the real app: axe-core (the engine behind most
// accessibility checkers) runs inside the real webview on each main screen,
// with the WCAG 2 A and AA rules — labels a screen reader can read, names on
// every button and field, contrast, keyboard-reachable controls.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { expectAccessible } from "./lib/a11y.mjs";
import { startApp, startMock, test } from "./lib/harness.mjs";
import { CONTROL, TAB, send, setModel, settledAnswer, setupFresh, tid } from "./lib/chat.mjs";

let mock;
let app;

before(async () => {
  mock = await startMock();
  app = await startApp({ name: "a11y" });
});

after(async () => {
  await app?.stop();
  await mock?.stop();
});

test("the first-run setup screen passes WCAG 2 A/AA checks", async () => {
  await app.session.waitFor(tid("setup-screen"));
  await expectAccessible(app.session, "setup");
});

test("the chat with an answer, search and settings pass WCAG 2 A/AA checks", async () => {
  const { session } = app;
  // The setup screen checked above is still showing: complete it now.
  await setupFresh(app, { baseUrl: mock.baseUrl });
  await setModel(session, "echo");
  await send(session, "please answer in markdown");
  await settledAnswer(session);
  await expectAccessible(session, "chat");

  await session.chord(CONTROL, "k");
  await session.waitFor(tid("search-input"));
  await expectAccessible(session, "search");
  await session.keys("\uE00C");

  await (await session.find(tid("settings-button"))).click();
  await session.waitFor(tid("export-markdown"));
  await expectAccessible(session, "settings");
  await session.keys("\uE00C");
});

test("Tab alone reaches every main control of the chat", async () => {
  const { session } = app;
  // From the top of the page, walk the focus order as a keyboard user would.
  await session.execute("document.activeElement?.blur(); window.scrollTo(0, 0)");
  const reached = new Set();
  for (let i = 0; i < 60; i++) {
    await session.keys(TAB);
    const id = await session.execute(
      `const el = document.activeElement;
       return el?.closest("[data-testid]")?.getAttribute("data-testid") ?? el?.tagName ?? null;`,
    );
    if (id) reached.add(id);
  }
  for (const control of [
    "mode-chat",
    "new-chat",
    "search-button",
    "conversation-item",
    "rename-conversation",
    "settings-button",
    "copy-message",
    "composer-input",
    "attach-button",
    "web-search-toggle",
    "effort-select",
    "model-input",
  ]) {
    assert.ok(reached.has(control), `${control} is reachable with Tab (reached: ${[...reached]})`);
  }
});

test("the playground passes WCAG 2 A/AA checks", async () => {
  const { session } = app;
  await (await session.find(tid("mode-playground"))).click();
  await session.waitFor(tid("playground"));
  await expectAccessible(session, "playground");
});

test("the assistant editor, a new chat with an assistant and its dialogs pass WCAG 2 A/AA checks", async () => {
  const { session } = app;
  await (await session.find(tid("mode-chat"))).click();
  await (await session.waitFor(tid("assistant-new"))).click();
  await session.waitFor(tid("assistant-editor"));
  await expectAccessible(session, "assistant-editor");
  // A refused save: the message and the field marked as invalid.
  await (await session.find(tid("assistant-save"))).click();
  await session.waitFor(tid("assistant-problem"));
  await expectAccessible(session, "assistant-editor-problem");
  await (await session.find(tid("assistant-name"))).type("Tutor");
  await (await session.find(tid("assistant-starter"))).type("Quiz me on fractions");
  await (await session.find(tid("assistant-save"))).click();
  await session.waitFor(tid("starter-prompt"));
  await expectAccessible(session, "assistant-new-chat");
  await (await session.find(tid("instructions-button"))).click();
  await session.waitFor(tid("instructions-dialog"));
  await expectAccessible(session, "conversation-instructions");
  await session.keys("\uE00C");
});

test("the Evaluations screen, a file's preview and a malformed file's problem pass WCAG 2 A/AA checks", async () => {
  const { session } = app;
  await (await session.find(tid("mode-evals"))).click();
  await session.waitFor(tid("evals"));
  await expectAccessible(session, "evals");
  const choose = (text) =>
    session.execute(
      `const input = document.querySelector('[data-testid="ev-file"]');
       const dt = new DataTransfer();
       dt.items.add(new File([arguments[0]], "cases.csv", { type: "text/csv" }));
       input.files = dt.files;
       input.dispatchEvent(new Event("change", { bubbles: true }));
       return true;`,
      [text],
    );
  await choose("question,expected\nTwo plus two?,4\nCapital of France?,Paris\n");
  await session.waitFor(tid("ev-preview"));
  await expectAccessible(session, "evals-preview");
  await choose("question,expected\nTwo plus two?\n");
  await session.waitFor(tid("ev-problem"));
  await expectAccessible(session, "evals-problem");
  await (await session.find(tid("mode-chat"))).click();
});
