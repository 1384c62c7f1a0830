// The installed copy (HALLEY_E2E_APP, set by tests/installed/deb.sh) starts
// from its installed path, serves its embedded UI and shows the first-run
// screen, in its real webview under Xvfb with a real keyring.
import { after } from "node:test";
import assert from "node:assert/strict";
import { startApp, shot, test, APP } from "../e2e/lib/harness.mjs";
import { tid } from "../e2e/lib/chat.mjs";

let app;
after(async () => {
  await app?.stop();
});

test("the installed binary opens the first-run screen", async () => {
  assert.ok(APP.startsWith("/usr/"), `expected an installed binary, got ${APP}`);
  const started = Date.now();
  app = await startApp({ name: "installed-first-run" });
  const { session } = app;
  assert.equal(await session.title(), "Halley");
  await session.waitFor(tid("setup-screen"));
  console.log(`installed copy: first-run screen after ${Date.now() - started} ms`);
  assert.ok(await session.find(tid("api-key-input")), "the setup screen asks for a key");
  await session.screenshot(shot("installed-first-run"));
});
