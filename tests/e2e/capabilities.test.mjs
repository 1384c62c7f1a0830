// What Halley learns about a gateway, end to end in the real app. halley-mock
// plays the gateway behind a recording proxy, so each test checks what
// really went on the wire: a conversation keeps its context on a gateway
// that drops `previous_response_id` (the branch is replayed), a refused
// setting is dropped once, said beside the answer and then greyed in the
// composer, and Settings shows what the probe found with its evidence.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { freshDataDir, shot, startApp, startMock, test } from "./lib/harness.mjs";
import { newChat, send, setModel, settledAnswer, setupFresh, tid } from "./lib/chat.mjs";
import { startRecorder } from "./lib/recorder.mjs";

let mock;
let recorder;
let app;
let session;

before(async () => {
  mock = await startMock();
  recorder = await startRecorder(mock.baseUrl);
  app = await startApp({ dataDir: freshDataDir(), name: "capabilities" });
  session = app.session;
  await setupFresh(app, { baseUrl: recorder.baseUrl });
});

after(async () => {
  await app?.stop();
  await recorder?.stop();
  await mock?.stop();
});

/** The bodies of the `POST /responses` the app sent, oldest first. */
const sentTurns = () => recorder.creates();

test("the second turn carries the first on a gateway that never proved it chains", async () => {
  await newChat(session);
  await setModel(session, "echo");
  await send(session, "my favourite colour is periwinkle");
  await settledAnswer(session);
  const before = sentTurns().length;
  await send(session, "which colour did I name?");
  const answer = await settledAnswer(session, { after: 1 });
  assert.equal(answer.status, "complete");
  const second = sentTurns().slice(before);
  assert.equal(second.length, 1, "one request for the second turn");
  assert.equal(second[0].previous_response_id, undefined, "no chain link is trusted yet");
  assert.ok(
    JSON.stringify(second[0].input).includes("periwinkle"),
    "the first turn is replayed in the second request",
  );
});

test("a refused setting is dropped once, said beside the answer, then greyed", async () => {
  await newChat(session);
  await setModel(session, "fault:no-reasoning");
  // "High": the last option.
  await session.execute(
    `const s = document.querySelector('[data-testid="effort-select"]');
     s.selectedIndex = s.options.length - 1;
     s.dispatchEvent(new Event('change', { bubbles: true }));`,
  );
  const before = sentTurns().length;
  await send(session, "think hard about this");
  const answer = await settledAnswer(session);
  assert.equal(answer.status, "complete", "the answer arrives without the refused setting");
  const sent = sentTurns().slice(before);
  assert.equal(sent.length, 2, "the refused request and the one without reasoning");
  assert.ok(sent[0].reasoning, "the first asked for reasoning");
  assert.equal(sent[1].reasoning, undefined, "the retry left it out");

  const notes = await session.waitFor(tid("turn-notes"));
  assert.match(await notes.text(), /Reasoning effort was left out/);
  // The lesson is kept: the control says so, and the next turn does not ask.
  await session.until(
    async () =>
      session.execute(`return document.querySelector('[data-testid="effort-select"]').disabled`),
    { what: "the effort control to be greyed" },
  );
  const reason = await session.execute(
    `return document.querySelector('[data-testid="effort-select"]').title`,
  );
  assert.match(reason, /Not supported by this model: .*reasoning\.effort/);
  await session.screenshot(shot("capabilities-composer"));

  const again = sentTurns().length;
  await send(session, "and once more");
  await settledAnswer(session, { after: 1 });
  const next = sentTurns().slice(again);
  assert.equal(next.length, 1, "no refused request is paid for again");
  assert.equal(next[0].reasoning, undefined);
});

test("Settings shows what the probe found, with the provider's own words", async () => {
  await (await session.find(tid("settings-button"))).click();
  await session.waitFor(tid("capabilities"));
  // Known from the turn above, before any probe.
  const effortRow = await session.find(tid("capability-reasoning_effort"));
  assert.equal(await effortRow.attribute("data-verdict"), "unsupported");
  await session.execute(
    `document.querySelector('[data-testid="probe-provider"]').scrollIntoView({ block: "center" })`,
  );
  await (await session.find(tid("probe-provider"))).click();
  await session.until(
    async () =>
      (await (await session.find(tid("capability-chaining"))).attribute("data-verdict")) !==
      "untested",
    { what: "the probe to judge chaining", timeout: 60000 },
  );
  const chaining = await session.find(tid("capability-chaining"));
  assert.equal(
    await chaining.attribute("data-verdict"),
    "ignored",
    "halley-mock accepts previous_response_id and answers without the first turn",
  );
  assert.match(await chaining.text(), /did not know the first turn/);
  assert.equal(
    await (await session.find(tid("capability-streaming"))).attribute("data-verdict"),
    "supported",
  );
  await session.execute(
    `document.querySelector('[data-testid="capabilities"]').scrollIntoView({ block: "start" })`,
  );
  await session.screenshot(shot("capabilities-settings"));
});

test("the Playground greys what the provider refused, with its words, but keeps it usable", async () => {
  await session.keys("\uE00C");
  await session.execute(`document.querySelector('[data-testid="mode-playground"]').click()`);
  await session.waitFor(tid("playground"));
  // The model whose refusal the chat turn above taught.
  await session.execute(
    `const el = document.querySelector('[data-testid="pg-model"]');
     Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(el, "fault:no-reasoning");
     el.dispatchEvent(new Event("input", { bubbles: true }));
     el.dispatchEvent(new Event("change", { bubbles: true }));`,
  );
  const reason = await session.until(
    async () =>
      session.execute(
        `const select = document.querySelector('[data-testid="pg-reasoning-effort"]');
         const field = select && select.closest('.field');
         const note = field && field.querySelector('[data-testid="pg-withheld"]');
         return note ? { text: note.textContent, disabled: select.disabled } : null;`,
      ),
    { what: "reasoning.effort greyed in the Playground" },
  );
  assert.match(reason.text, /Not supported by this model: .*reasoning\.effort/);
  assert.equal(reason.disabled, false, "a prompt engineer can still send it");
  await session.execute(`document.querySelector('[data-testid="mode-chat"]')?.click()`);
});
