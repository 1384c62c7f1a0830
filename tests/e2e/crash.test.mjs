// Killing the app mid-stream loses nothing: after a restart the partial
// answer is there, marked interrupted, and the database is sound.
import { after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { appPids, freshDataDir, shot, startApp, startMock, test } from "./lib/harness.mjs";
import { completeSetup, randomKey, send, setModel, tid } from "./lib/chat.mjs";

const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

function integrityCheck(file) {
  const script =
    "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])";
  return execFileSync("python3", ["-c", script, file], {
    encoding: "utf8",
  }).trim();
}

test("a kill mid-stream keeps the partial answer, marked interrupted", async () => {
  const mock = await startMock();
  cleanups.push(() => mock.stop());
  const dataDir = freshDataDir();
  const first = await startApp({ dataDir, name: "crash-before" });
  cleanups.push(() => first.stop());
  const { session } = first;
  await completeSetup(session, { baseUrl: mock.baseUrl, apiKey: randomKey() });
  // 100 ms per delta: long enough to kill it halfway.
  await setModel(session, "fault:slow");
  const text = "The quick brown fox jumps over the lazy dog while the app is killed mid answer";
  await send(session, text);
  // Wait until the answer has been streaming for more than one persist
  // interval (500 ms), so some of it must be on disk.
  await session.until(
    async () => {
      const answer = await session.find(tid("message-assistant"));
      return answer && (await answer.text()).length > 30;
    },
    { what: "a good part of the answer to stream" },
  );
  await new Promise((r) => setTimeout(r, 700));
  const pids = appPids(dataDir);
  assert.ok(pids.length > 0, "the app process for this data dir is found");
  for (const pid of pids) process.kill(pid, "SIGKILL");
  await first.stop().catch(() => {});

  const db = join(dataDir, "history.sqlite3");
  // WAL + transactions: a SIGKILL between writes must not corrupt the file.
  assert.equal(integrityCheck(db), "ok", "PRAGMA integrity_check after the kill");

  const second = await startApp({ dataDir, name: "crash-after" });
  cleanups.push(() => second.stop());
  const s2 = second.session;
  await (await s2.waitFor(tid("conversation-item"))).click();
  const answer = await s2.waitFor(tid("message-assistant"), {
    predicate: async (el) => (await el.attribute("data-status")) === "interrupted",
  });
  const shown = await answer.text();
  // The answer echoes the question; what was persisted is a prefix of it.
  assert.ok(shown.includes("The quick brown"), `the partial answer survived the kill: ${shown}`);
  assert.ok(!shown.includes("mid answer"), "it is partial, not a made-up complete answer");
  const badge = await s2.find(`${tid("message-assistant")} ${tid("status-badge")}`);
  assert.ok(badge, "an interrupted badge tells the user the answer was cut off");
  const user = await s2.find(tid("message-user"));
  assert.ok((await user.text()).includes(text), "the question is there too");
  await s2.screenshot(shot("crash-restart"));
  assert.equal(integrityCheck(db), "ok", "still sound after reopening");
});
