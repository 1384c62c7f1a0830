// Without a Secret Service (no D-Bus session bus at all), the app says so,
// keeps the key for the session, and after a restart asks for the key of the
// same provider again, with the history intact.
import { after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { freshDataDir, shot, startApp, startMock, test } from "./lib/harness.mjs";
import { completeSetup, randomKey, send, setModel, settledAnswer, tid } from "./lib/chat.mjs";

// A bus address nothing listens on: every keyring call fails at once.
const env = { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/halley-no-bus" };
const dataDir = freshDataDir();
let mock;
let app;
after(async () => {
  await app?.stop();
  await mock?.stop();
});

function providerRows() {
  const script =
    "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from providers').fetchone()[0])";
  return Number(
    execFileSync("python3", ["-c", script, join(dataDir, "history.sqlite3")], {
      encoding: "utf8",
    }).trim(),
  );
}

test("no keyring: the key lives for the session, and a restart asks for it again", async () => {
  mock = await startMock();
  app = await startApp({ dataDir, env, name: "no-keyring" });
  let { session } = app;
  await session.waitFor(tid("setup-screen"));
  const warning = await session.waitFor(tid("keyring-warning"));
  assert.match(
    await warning.text(),
    /session only/,
    "the user is told the key lasts for this session only",
  );
  await (await warning.find("summary")).click();
  assert.match(
    await warning.text(),
    /Install gnome-keyring/,
    "and, one click away, what to install",
  );
  assert.match(
    await (await session.find(tid("setup-intro"))).text(),
    /memory/,
    "the intro does not promise a keyring it does not have",
  );
  await session.screenshot(shot("no-keyring-setup"));
  await completeSetup(session, { baseUrl: mock.baseUrl, apiKey: randomKey() });
  await setModel(session, "echo");
  await send(session, "kept without a keyring");
  assert.equal(
    (await settledAnswer(session)).text,
    "kept without a keyring",
    "the session key works for chatting",
  );

  await app.stop();
  app = await startApp({ dataDir, env, name: "no-keyring-restart" });
  session = app.session;
  await session.waitFor(tid("setup-screen"));
  const intro = await (await session.waitFor(tid("setup-intro"))).text();
  assert.match(intro, /again/, `the user is asked for the same provider's key: ${intro}`);
  assert.equal(
    await (await session.find(`${tid("setup-screen")} h1`)).text(),
    "Welcome back",
    "a returning user is not welcomed as new",
  );
  const url = await session.find(tid("base-url-input"));
  assert.equal(
    await url.property("value"),
    mock.baseUrl,
    "the provider's address is remembered; only the key was not",
  );
  await session.screenshot(shot("no-keyring-again"));
  await (await session.find(tid("api-key-input"))).type(randomKey());
  await (await session.find(tid("save-key"))).click();
  await session.waitFor(tid("conversation-item"));
  assert.equal(providerRows(), 1, "the key went to the same provider, not a second one");
  await (await session.find(tid("conversation-item"))).click();
  const user = await session.waitFor(tid("message-user"));
  assert.match(await user.text(), /kept without a keyring/, "the history is all there");
});
