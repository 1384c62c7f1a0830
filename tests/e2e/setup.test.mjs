// First run against the real Secret Service (gnome-keyring in the test's
// D-Bus session): the key goes to the keyring and never into SQLite.
import { after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { startApp, startMock, shot, test } from "./lib/harness.mjs";
import { completeSetup, randomKey, tid } from "./lib/chat.mjs";

const run = promisify(execFile);
let app;
let mock;
after(async () => {
  await app?.stop();
  await mock?.stop();
});

test("setup with a Custom provider stores the key in the keyring, not in SQLite", async () => {
  mock = await startMock();
  app = await startApp({ name: "setup" });
  const { session, dataDir } = app;
  const key = randomKey();

  await session.waitFor(tid("setup-screen"));
  await session.screenshot(shot("setup"));
  // Each known provider says where its keys are made.
  await (await session.find(`${tid("provider-select")} option[value="openai"]`)).click();
  const where = await (await session.waitFor(tid("where-keys"))).text();
  assert.match(where, /Where do I get a key for OpenAI\?/, where);

  // Test with a refused key: the result is shown here, on the setup screen.
  await (await session.find(`${tid("provider-select")} option[value="custom"]`)).click();
  const url = await session.find(tid("base-url-input"));
  await session.until(async () => (await url.attribute("readonly")) === null, {
    what: "base URL editable after choosing Custom",
  });
  await url.clear();
  await url.type(mock.baseUrl);
  await (await session.find(tid("api-key-input"))).type("sk-bad-e2e-refused");
  await (await session.find(tid("test-key"))).click();
  const result = await session.waitFor(tid("provider-message"), {
    timeout: 20000,
  });
  assert.match(await result.text(), /key was refused/, "the test says what is wrong");
  assert.ok(await session.find(tid("setup-screen")), "and the setup screen stays");
  await session.screenshot(shot("setup-test-refused"));

  await completeSetup(session, { baseUrl: mock.baseUrl, apiKey: key });
  // The built-in default model is not one halley-mock serves: the first
  // choice is one it lists.
  const storedModel = () =>
    session.execute(
      "return window.__TAURI_INTERNALS__.invoke('get_settings').then((r) => r.settings.model)",
    );
  await session.until(async () => (await storedModel()) === "echo", {
    what: "the model to be picked from what the provider lists",
  });
  assert.ok(await session.find(tid("composer-input")), "after Save the chat layout replaces setup");
  assert.equal(await session.find(tid("setup-screen")), null, "the setup screen is gone");
  await session.screenshot(shot("setup-done"));

  // The app stores the key with service app.halley.desktop (user = provider id).
  const { stdout } = await run(
    "secret-tool",
    ["search", "--all", "service", "app.halley.desktop"],
    {
      timeout: 10000,
    },
  );
  // secret-tool prints "secret = <value>" for each match: the key must be one of them.
  assert.ok(
    stdout.split("\n").some((line) => line.trim() === `secret = ${key}`),
    "the Secret Service holds the key just saved",
  );

  // Stop the app so SQLite has flushed; then no byte of the database may hold the key.
  await app.stop();
  app = null;
  const db = join(dataDir, "history.sqlite3");
  assert.ok(existsSync(db), "the history database exists (otherwise the check below is empty)");
  for (const file of [db, `${db}-wal`, `${db}-journal`]) {
    if (!existsSync(file)) continue;
    const bytes = readFileSync(file);
    assert.equal(bytes.indexOf(key), -1, `${file} must not contain the API key`);
    // A partial key (e.g. the last 4 for display) is fine, but not the secret part.
    assert.equal(bytes.indexOf(key.slice(0, 20)), -1, `${file} must not contain the key's prefix`);
  }
});
