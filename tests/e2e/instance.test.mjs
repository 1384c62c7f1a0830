// One Halley per data folder, and one per desktop session.
// 1. A second process on the same data folder, started where the
//    single-instance hand-over cannot see the first (no usable D-Bus session),
//    must not open the database: it shows "already running" and leaves the
//    first's live answer alone, which completes and is saved.
// 2. A second launch in the same session hands over to the first (which
//    shows its window) and exits, whatever its data folder.
import { after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { APP, appPids, freshDataDir, shot, startApp, startMock, test } from "./lib/harness.mjs";
import { send, setModel, settledAnswer, setupFresh, tid } from "./lib/chat.mjs";
import { sleep } from "./lib/webdriver.mjs";

const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

test("a second process on the same data folder opens nothing and says why", async () => {
  const mock = await startMock();
  cleanups.push(() => mock.stop());
  const dataDir = freshDataDir();
  const first = await startApp({ dataDir, name: "instance-first" });
  cleanups.push(() => first.stop());
  const { session } = first;
  await setupFresh(first, { baseUrl: mock.baseUrl });
  // 100 ms per delta: the answer is still streaming while the second starts.
  await setModel(session, "fault:slow");
  const text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen";
  const before = await send(session, text);
  await session.until(
    async () => {
      const answer = await session.find(tid("message-assistant"));
      return answer && (await answer.attribute("data-status")) === "streaming";
    },
    { what: "the first app's answer to be streaming" },
  );

  const second = await startApp({
    dataDir,
    name: "instance-second",
    ready: tid("already-running"),
    // No session bus: the single-instance hand-over cannot find the first.
    env: { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/halley-test-bus" },
  });
  cleanups.push(() => second.stop());
  const body = await (await second.session.find(tid("already-running-body"))).text();
  assert.ok(body.includes(dataDir), `the message names the data folder: ${body}`);
  assert.match(body, /Another Halley window is using the data folder/);
  await second.session.screenshot(shot("instance-already-running"));
  assert.equal(appPids(dataDir).length, 2, "both processes run");

  // The first's answer goes on and completes: not marked interrupted.
  const answer = await settledAnswer(session, { after: before, timeout: 60000 });
  assert.equal(answer.status, "complete", "the live answer was not marked interrupted");
  assert.ok(answer.text.includes("fourteen"), `the whole answer arrived: ${answer.text}`);

  // Close this window quits the second process only.
  const quit = await second.session.find(tid("already-running-quit"));
  // The click ends the app under WebDriver's feet: its answer may be an error.
  await quit.click().catch(() => {});
  const end = Date.now() + 10000;
  while (appPids(dataDir).length > 1 && Date.now() < end) await sleep(100);
  assert.equal(appPids(dataDir).length, 1, "the second process quit; the first runs on");
  await second.stop();

  // Saved: a restart of the first shows the answer complete.
  await first.stop();
  const again = await startApp({ dataDir, name: "instance-reopen" });
  cleanups.push(() => again.stop());
  await (await again.session.waitFor(tid("conversation-item"))).click();
  const saved = await again.session.waitFor(tid("message-assistant"), {
    predicate: async (el) => (await el.attribute("data-status")) === "complete",
  });
  assert.ok((await saved.text()).includes("fourteen"), "the completed answer was saved");
  await again.stop();
});

test("a second launch in the same session hands over to the running app and exits", async () => {
  const dataDir = freshDataDir();
  const first = await startApp({ dataDir, name: "single-first" });
  cleanups.push(() => first.stop());
  // Even on another data folder: a launch means "show me Halley".
  const otherDir = freshDataDir();
  const logBefore = readFileSync(first.log, "utf8").length;
  const started = Date.now();
  const second = spawn(APP, [], {
    env: { ...process.env, HALLEY_DATA_DIR: otherDir, HALLEY_LOG: "info" },
    stdio: "ignore",
  });
  const code = await new Promise((ok) => {
    const timer = setTimeout(() => {
      second.kill("SIGKILL");
      ok("still running after 20 s");
    }, 20000);
    second.once("exit", (c) => {
      clearTimeout(timer);
      ok(c);
    });
  });
  assert.equal(code, 0, "the second launch exited cleanly");
  assert.deepEqual(appPids(otherDir), [], "it opened nothing on its own folder");
  await first.session.until(
    async () =>
      readFileSync(first.log, "utf8").slice(logBefore).includes("a second launch was handed over"),
    { what: "the first app to receive the hand-over" },
  );
  assert.ok(await first.session.find(tid("api-key-input")), "the first app still answers");
  assert.ok(Date.now() - started < 20000);
  await first.stop();
});
