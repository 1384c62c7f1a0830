// Desktop habits: the keyboard-shortcut sheet (Ctrl+/), the global quick-ask
// shortcut set in Settings and pressed on the desktop (xdotool, outside the
// webview), the quick-ask window answering into the history, and "Open in
// Halley" carrying its conversation to the main window; a shortcut that
// does not read is refused in words and not saved.
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { shot, startApp, startMock, test } from "./lib/harness.mjs";
import { expectAccessible } from "./lib/a11y.mjs";
import { CONTROL, ESCAPE, ENTER, setModel, setupFresh, tid } from "./lib/chat.mjs";

let app;
let mock;
let session;

before(async () => {
  mock = await startMock();
  app = await startApp({ name: "quick-ask" });
  session = app.session;
  await setupFresh(app, { baseUrl: mock.baseUrl });
  await setModel(session, "echo");
});

after(async () => {
  await app?.stop();
  await mock?.stop();
});

const storedShortcut = () =>
  session.execute(
    "return window.__TAURI_INTERNALS__.invoke('get_settings').then((r) => r.settings.quickAskShortcut)",
  );

test("Ctrl+/ shows every keyboard shortcut", async () => {
  await (await session.find(tid("composer-input"))).click();
  await session.chord(CONTROL, "/");
  const sheet = await session.waitFor(tid("shortcut-sheet"));
  const text = await sheet.text();
  for (const expected of ["Ctrl", "K", "Search all conversations", "New chat", "Quick ask"]) {
    assert.ok(text.includes(expected), `the sheet lists ${expected}: ${text}`);
  }
  await session.screenshot(shot("shortcut-sheet"));
  await expectAccessible(session, "shortcut-sheet");
  await session.keys(ESCAPE);
  await session.until(async () => !(await session.find(tid("shortcut-sheet"))), {
    what: "the sheet to close",
  });
});

test("the quick-ask shortcut opens a small window whose answer goes into the history", async () => {
  await (await session.find(tid("settings-button"))).click();
  await session.waitFor(tid("quick-ask-on"));
  await session.execute(`document.querySelector('[data-testid="quick-ask-on"]').click()`);
  await session.until(async () => (await storedShortcut()) === "CommandOrControl+Shift+Space", {
    what: "the shortcut saved",
  });
  await session.screenshot(shot("settings-quick-ask"));
  await session.execute(`document.querySelector('.settings header .close').click();`);

  const main = await session.currentWindow();
  // Pressed on the desktop, not in the page: the OS hands it to Halley.
  execFileSync("xdotool", ["key", "ctrl+shift+space"]);
  const quick = await session.until(
    async () => (await session.windowHandles()).find((h) => h !== main) ?? null,
    { what: "the quick-ask window to open" },
  );
  await session.switchToWindow(quick);
  const input = await session.waitFor(tid("quick-input"));
  await input.click();
  await input.type("What is a quick question?");
  await session.keys(ENTER);
  const answer = await session.waitFor(tid("message-assistant"), {
    timeout: 20000,
    predicate: async (el) => (await el.attribute("data-status")) === "complete",
  });
  assert.ok((await answer.text()).includes("What is a quick question?"), "the echo answered");
  await session.screenshot(shot("quick-ask"));
  await expectAccessible(session, "quick-ask");
  await session.waitFor(tid("quick-open"));
  // Clicked from the page after this command returns: the click closes
  // the window the driver is talking to.
  await session.execute(
    `setTimeout(() => document.querySelector('[data-testid="quick-open"]').click(), 100)`,
  );

  await session.switchToWindow(main);
  await session.until(async () => (await session.windowHandles()).length === 1, {
    what: "the quick-ask window to close",
  });
  // Read as the DOM has it: this window was behind the quick one.
  const textOf = (selector) =>
    session.execute(
      `return document.querySelector(${JSON.stringify(selector)})?.textContent ?? ""`,
    );
  const title = await session.until(
    async () => {
      const text = await textOf(tid("conversation-item"));
      return text.includes("What is a quick question") ? text : null;
    },
    { what: "the conversation in the main window's list" },
  );
  assert.ok(title, "kept in the history");
  await session.until(
    async () => (await textOf(tid("message-user"))).includes("What is a quick question?"),
    { what: "the main window to show it, ready to go on" },
  );
});

test("a shortcut that does not read is refused in words and the old one stays", async () => {
  await (await session.find(tid("settings-button"))).click();
  await session.waitFor(tid("quick-ask-shortcut"));
  await session.execute(
    `document.querySelector('[data-testid="quick-ask-shortcut"]').scrollIntoView({ block: "center" })`,
  );
  await session.execute(
    `const input = document.querySelector('[data-testid="quick-ask-shortcut"]');
     input.value = "Ctrl+Banana";
     input.dispatchEvent(new Event("change", { bubbles: true }));`,
  );
  const toast = await session.until(
    () =>
      session.execute(
        `return [...document.querySelectorAll('[data-testid="toast"]')].map((t) => t.textContent).find((t) => t.includes("Ctrl+Banana")) ?? null`,
      ),
    { what: "the refusal said" },
  );
  assert.ok(toast.includes("not a shortcut"), toast);
  assert.equal(await storedShortcut(), "CommandOrControl+Shift+Space", "nothing was saved");
  await session.execute(`document.querySelector('.settings header .close').click();`);
});
