// Long answers that survive: with "Long answers" set to every answer in
// Settings, a chat answer runs in the provider's background mode. Killed
// mid-answer, the app picks it up after the restart and the answer completes
// in place, from one response at the provider; Stop cancels it there.
import { after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { appPids, freshDataDir, shot, startApp, startMock, test } from "./lib/harness.mjs";
import {
  completeSetup,
  newChat,
  randomKey,
  send,
  setModel,
  settledAnswer,
  tid,
} from "./lib/chat.mjs";

const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

/** One query's rows from the app's history file, as JSON. */
function query(dataDir, sql) {
  const script =
    "import json,sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(json.dumps(c.execute(sys.argv[2]).fetchall()))";
  const out = execFileSync("python3", ["-c", script, join(dataDir, "history.sqlite3"), sql], {
    encoding: "utf8",
  });
  return JSON.parse(out);
}

/** The response as the mock has it, read with the same key. */
async function atProvider(mock, apiKey, id) {
  const response = await fetch(`${mock.baseUrl}/responses/${id}`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  assert.equal(response.status, 200, `GET /responses/${id}`);
  return response.json();
}

async function everyAnswerInBackground(session) {
  await (await session.find(tid("settings-button"))).click();
  const when = await session.waitFor(tid("long-answers-when"));
  await session.execute(
    `document.querySelector('[data-testid="long-answers-when"]').scrollIntoView({ block: "center" })`,
  );
  await (await when.find('option[value="always"]')).click();
  await session.until(
    async () =>
      (await session.execute(
        "return window.__TAURI_INTERNALS__.invoke('get_settings').then((r) => r.settings.longAnswers)",
      )) === "always",
    { what: "the long-answers setting saved" },
  );
  await session.screenshot(shot("settings-long-answers"));
  await session.execute(`document.querySelector('.settings header .close').click();`);
}

const QUESTION =
  "Please answer slowly: a long answer that keeps going at the provider while this app is killed and started again, then completes in place";

test("an answer left running by a killed app completes in place after the restart; Stop cancels one at the provider", async () => {
  const mock = await startMock();
  cleanups.push(() => mock.stop());
  const apiKey = randomKey();
  const dataDir = freshDataDir();
  const first = await startApp({ dataDir, name: "long-answer-before" });
  cleanups.push(() => first.stop());
  await completeSetup(first.session, { baseUrl: mock.baseUrl, apiKey });
  await setModel(first.session, "echo");
  await everyAnswerInBackground(first.session);
  await send(first.session, QUESTION);

  // Until part of the answer is kept with its event number, then a kill.
  const kept = await first.session.until(
    async () => {
      const rows = query(
        dataDir,
        "SELECT b.response_id, b.last_sequence, m.text FROM background_turns b JOIN messages m ON m.id = b.message_id",
      );
      return rows.length === 1 && rows[0][1] !== null && rows[0][2].length > 20 ? rows[0] : null;
    },
    { what: "part of a background answer kept", timeout: 20000 },
  );
  const [responseId, , partial] = kept;
  for (const pid of appPids(dataDir)) process.kill(pid, "SIGKILL");
  await first.stop().catch(() => {});
  assert.ok(partial.length < QUESTION.length, `killed mid-answer: ${partial}`);

  const second = await startApp({ dataDir, name: "long-answer-after" });
  cleanups.push(() => second.stop());
  const session = second.session;
  await (await session.waitFor(tid("conversation-item"))).click();
  // Still coming while the rest arrives: not marked interrupted.
  const streaming = await session.waitFor(tid("message-assistant"), { timeout: 15000 });
  assert.notEqual(await streaming.attribute("data-status"), "interrupted");
  await session.screenshot(shot("chat-long-answer-picked-up"));
  const { status, text } = await settledAnswer(session, { timeout: 60000 });
  assert.equal(status, "complete");
  assert.equal(text.trim(), QUESTION, "the whole answer, nothing repeated");

  const rows = query(dataDir, "SELECT response_id, status FROM messages WHERE role = 'assistant'");
  assert.deepEqual(rows, [[responseId, "complete"]], "one answer, from the one response");
  assert.deepEqual(query(dataDir, "SELECT * FROM background_turns"), [], "nothing left to pick up");
  assert.equal((await atProvider(mock, apiKey, responseId)).status, "completed");

  // Stop on a background answer cancels it at the provider too.
  await newChat(session);
  await send(session, "Answer slowly, because this one is stopped halfway through its words");
  await session.until(
    async () =>
      query(dataDir, "SELECT response_id FROM background_turns WHERE last_sequence IS NOT NULL")
        .length === 1,
    { what: "the second background answer under way" },
  );
  await (await session.waitFor(tid("stop-button"))).click();
  const stopped = await settledAnswer(session, { timeout: 30000 });
  assert.equal(stopped.status, "stopped");
  const [[stoppedId]] = query(
    dataDir,
    "SELECT response_id FROM messages WHERE role = 'assistant' AND status = 'stopped'",
  );
  assert.ok(stoppedId, "the stopped answer keeps its response id");
  assert.equal(
    (await atProvider(mock, apiKey, stoppedId)).status,
    "cancelled",
    "not left running (and billed) at the provider",
  );
});
