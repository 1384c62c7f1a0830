// The installed copy (HALLEY_E2E_APP, set by tests/installed/deb.sh) starts
// from its installed path, serves its embedded UI and shows the first-run
// screen, in its real webview under Xvfb with a real keyring.
import { after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
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
  // A copy started from its icon has no terminal: its log goes to a file, and
  // with HALLEY_DATA_DIR set, beside the data rather than in the user's folders.
  const log = readFileSync(join(app.dataDir, "logs", "halley.log"), "utf8");
  assert.match(log, /logging to a file/, "the log file has this run's lines");
  assert.ok(!log.includes("\u001b["), "no terminal colour codes in the file");
});
