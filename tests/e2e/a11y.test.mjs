// Accessibility of the real app: axe-core (the engine behind most
// accessibility checkers) runs inside the real webview on each main screen,
// with the WCAG 2 A and AA rules — labels a screen reader can read, names on
// every button and field, contrast, keyboard-reachable controls.
import { before, after } from "node:test";
import { expectAccessible } from "./lib/a11y.mjs";
import { startApp, startMock, test } from "./lib/harness.mjs";
import { CONTROL, send, setModel, settledAnswer, setupFresh, tid } from "./lib/chat.mjs";

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

test("the playground passes WCAG 2 A/AA checks", async () => {
  const { session } = app;
  await (await session.find(tid("mode-playground"))).click();
  await session.waitFor(tid("playground"));
  await expectAccessible(session, "playground");
});
