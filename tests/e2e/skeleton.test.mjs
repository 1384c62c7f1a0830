// The real app binary, in its real webview under Xvfb, driven over WebDriver.
import { after } from "node:test";
import assert from "node:assert/strict";
import { startApp, startMock, shot, test } from "./lib/harness.mjs";
import { completeSetup, randomKey, tid } from "./lib/chat.mjs";

let app;
let mock;
after(async () => {
  await app?.stop();
  await mock?.stop();
});

test("the window is titled Halley, starts at setup, then shows the chat layout", async () => {
  mock = await startMock();
  app = await startApp({ name: "skeleton" });
  const { session } = app;
  // tauri.conf.json names the window; a wrong config or a blank page changes this.
  assert.equal(await session.title(), "Halley");
  // A fresh data dir has no provider with a key, so the first-run screen shows.
  await session.waitFor(tid("setup-screen"));
  await completeSetup(session, { baseUrl: mock.baseUrl, apiKey: randomKey() });
  // The built UI (custom protocol, not a dev server) mounted the sidebar and composer.
  assert.ok(await session.find(tid("new-chat")), "sidebar has a New chat button");
  assert.ok(await session.find(tid("settings-button")), "sidebar has Settings");
  assert.ok(await session.find(tid("composer-input")), "the composer is shown");
  await session.screenshot(shot("skeleton"));
});
