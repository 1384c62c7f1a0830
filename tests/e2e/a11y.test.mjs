// Accessibility of the real app: axe-core (the engine behind most
// accessibility checkers) runs inside the real webview on each main screen,
// with the WCAG 2 A and AA rules — labels a screen reader can read, names on
// every button and field, contrast, keyboard-reachable controls.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, shot, startApp, startMock, test } from "./lib/harness.mjs";
import { CONTROL, send, setModel, settledAnswer, setupFresh, tid } from "./lib/chat.mjs";

const AXE = readFileSync(join(ROOT, "ui/node_modules/axe-core/axe.min.js"), "utf8");

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

/** The WCAG 2 A/AA violations on the page as it is now, one line each. */
async function violations(session) {
  // The engine travels inside the script itself: the app's CSP forbids
  // eval (rightly), and a WebDriver script is the driver's, not the page's.
  const found = await session.executeAsync(
    `${AXE}
     ;const done = arguments[arguments.length - 1];
     const engine = typeof axe !== "undefined" ? axe : window.axe;
     engine
       .run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
       .then((r) => done(r.violations.map((v) =>
         v.id + " (" + v.impact + "): " + v.help + " — " +
         v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "))))
       .catch((e) => done(["axe failed: " + e]));`,
  );
  return found;
}

/** Checks the page in the light theme and again in the dark one (contrast differs). */
async function expectAccessible(session, screen) {
  for (const theme of ["light", "dark"]) {
    await session.execute("document.documentElement.dataset.theme = arguments[0]", [theme]);
    const found = await violations(session);
    await session.screenshot(shot(`a11y-${screen}-${theme}`));
    assert.deepEqual(found, [], `${screen} (${theme}): every control is named and readable`);
  }
  await session.execute("delete document.documentElement.dataset.theme");
}

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

test("the playground passes WCAG 2 A/AA checks", async () => {
  const { session } = app;
  await (await session.find(tid("mode-playground"))).click();
  await session.waitFor(tid("playground"));
  await expectAccessible(session, "playground");
});
