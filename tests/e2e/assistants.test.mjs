// Assistants in the real app against halley-mock, through a recording proxy
// (what the mock received is read there): an assistant made in the editor
// (refused first without a name, in words) starts a chat from its starter
// prompt, and that request carries its instructions, model, effort,
// verbosity and tool; switching assistant mid-conversation shows a marker
// and changes the next request, as the conversation's own instructions do;
// a Playground preset becomes an assistant (what cannot be carried is
// said), and an assistant opens in the Playground. Screenshots of the
// editor and of a chat with an assistant, in English and in Vietnamese.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { freshDataDir, shot, startApp, startMock, test } from "./lib/harness.mjs";
import { send, settledAnswer, setupFresh, tid } from "./lib/chat.mjs";
import { startRecorder } from "./lib/recorder.mjs";

let mock;
let recorder;
let app;
let session;

before(async () => {
  mock = await startMock();
  recorder = await startRecorder(mock.baseUrl);
  app = await startApp({ dataDir: freshDataDir(), name: "assistants" });
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

/** Sets an input/textarea/select value the way typing would (Svelte binds on input/change). */
function setValue(selector, value, index = 0) {
  return session.execute(
    `const el = document.querySelectorAll(arguments[0])[arguments[2]];
     if (!el) throw new Error("no element " + arguments[0] + " #" + arguments[2]);
     const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype
       : el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
     Object.getOwnPropertyDescriptor(proto, "value").set.call(el, arguments[1]);
     el.dispatchEvent(new Event("input", { bubbles: true }));
     el.dispatchEvent(new Event("change", { bubbles: true }));
     return true;`,
    [selector, value, index],
  );
}

/** Clicks by script: the dialogs scroll, and a <details> may be closed. */
function click(selector, index = 0) {
  return session.execute(
    `const el = document.querySelectorAll(arguments[0])[arguments[1]];
     if (!el) throw new Error("no element " + arguments[0] + " #" + arguments[1]);
     el.click(); return true;`,
    [selector, index],
  );
}

function value(selector) {
  return session.execute(`return document.querySelector(arguments[0])?.value ?? null;`, [selector]);
}

function texts(selector) {
  return session.execute(
    `return [...document.querySelectorAll(arguments[0])].map((e) => e.innerText.trim());`,
    [selector],
  );
}

const gone = (selector) =>
  session.until(async () => (await session.findAll(selector)).length === 0, {
    what: `${selector} to close`,
  });

/** Waits for `n` requests in all, and returns the last. */
async function nthTurn(n) {
  return session.until(async () => sentTurns()[n - 1] ?? null, { what: `request ${n}` });
}

async function setLanguage(language) {
  await click(tid("settings-button"));
  await session.waitFor(tid("language-select"));
  await setValue(tid("language-select"), language);
  await click(tid("settings-close"));
  await gone(tid("settings-close"));
}

/** Fills the open editor; `fields` by test id. */
async function fill(fields) {
  for (const [id, v] of Object.entries(fields)) await setValue(tid(id), v);
}

/** The conversation the Tutor started (switched to the Poet in the second test). */
let tutorChat;

const TUTOR = "You are a patient maths tutor. Ask one question at a time.";
const POET = "Answer every question as a short poem.";

test("an assistant made in the editor starts a chat from its starter prompt; the request carries its instructions and settings", async () => {
  await click(tid("assistant-new"));
  await session.waitFor(tid("assistant-editor"));
  // Nothing typed yet: refused in words, nothing saved.
  await click(tid("assistant-save"));
  const problem = await (await session.waitFor(tid("assistant-problem"))).text();
  assert.equal(problem, "Give the assistant a name.");
  assert.deepEqual(
    await session.execute("return window.__TAURI_INTERNALS__.invoke('assistant_list')"),
    [],
    "nothing was saved",
  );

  await fill({
    "assistant-name": "Tutor",
    "assistant-emoji": "✎",
    "assistant-instructions": TUTOR,
    "assistant-model": "gpt-5.1",
  });
  // gpt-5.1 takes `none` (and no `minimal`); its verbosity control shows.
  const levels = await session.execute(
    `return [...document.querySelectorAll('[data-testid="assistant-effort"] option')].map((o) => o.value);`,
  );
  assert.deepEqual(levels, ["", "none", "low", "medium", "high"], `levels: ${levels}`);
  await setValue(tid("assistant-effort"), "high");
  await setValue(tid("assistant-verbosity"), "low");
  await click(tid("assistant-web-search"));
  await setValue(tid("assistant-starter"), "Quiz me on fractions", 0);
  await session.screenshot(shot("assistant-editor"));
  await click(tid("assistant-save"));
  await gone(tid("assistant-editor"));

  // Saving a new assistant opens a new chat with it: its starter prompt is a button.
  const starter = await session.waitFor(tid("starter-prompt"));
  assert.equal(await starter.text(), "Quiz me on fractions");
  const items = await texts(tid("assistant-item"));
  assert.equal(items.length, 1);
  assert.match(items[0], /✎\s*Tutor/, "listed with its emoji");
  await session.screenshot(shot("assistant-starters"));
  const before = sentTurns().length;
  await starter.click();
  const answer = await settledAnswer(session);
  assert.equal(answer.status, "complete");
  const sent = sentTurns().slice(before);
  assert.equal(sent.length, 1, "one request");
  const [turn] = sent;
  assert.equal(turn.instructions, TUTOR, "the assistant's instructions");
  assert.equal(turn.model, "gpt-5.1");
  assert.equal(turn.reasoning?.effort, "high");
  assert.deepEqual(turn.text, { verbosity: "low" });
  assert.deepEqual(
    turn.tools?.map((t) => t.type),
    ["web_search_preview"],
  );
  assert.ok(JSON.stringify(turn.input).includes("Quiz me on fractions"), "the starter prompt");
  assert.equal(
    (await session.findAll(tid("assistant-marker"))).length,
    0,
    "the assistant a chat starts with is no switch",
  );
  // The header says who is talking.
  const header = await (await session.waitFor(tid("assistant-switch"))).text();
  assert.match(header, /Tutor/);
  await session.screenshot(shot("assistant-chat"));
});

test("switching assistant mid-conversation shows a marker and changes the next request; the conversation's own instructions follow the assistant's", async () => {
  tutorChat = await session.execute(
    `return document.querySelector('[data-testid="conversation-item"][aria-current], [data-testid="conversation-item"].active')?.dataset.id
       ?? document.querySelector('[data-testid="conversation-item"]').dataset.id;`,
  );
  // A second assistant, without effort or tools, on a model that takes no verbosity.
  await click(tid("assistant-new"));
  await session.waitFor(tid("assistant-editor"));
  await fill({
    "assistant-name": "Poet",
    "assistant-emoji": "♪",
    "assistant-instructions": POET,
    "assistant-model": "echo",
  });
  await click(tid("assistant-save"));
  await gone(tid("assistant-editor"));

  // Back to the Tutor's conversation, and switch to the Poet there.
  await click(`${tid("conversation-item")}[data-id="${tutorChat}"] button.open`);
  await session.until(async () => (await texts(tid("message-assistant"))).length === 1, {
    what: "the Tutor conversation",
  });
  await click(tid("assistant-switch"));
  await session.waitFor(tid("assistant-picker"));
  await click(`${tid("assistant-pick")}[data-name="Poet"]`);
  const marker = await session.until(async () => (await texts(tid("assistant-marker")))[0], {
    what: "the marker",
  });
  assert.equal(marker, "Now talking to ♪ Poet");
  assert.match(await (await session.find(tid("assistant-switch"))).text(), /Poet/);

  const count = sentTurns().length;
  await send(session, "what is a half of a half?");
  await settledAnswer(session, { after: 1 });
  const poet = await nthTurn(count + 1);
  assert.equal(poet.instructions, POET, "the Poet's instructions now");
  assert.equal(poet.model, "echo", "the Poet's model");
  assert.equal(poet.reasoning, undefined, "the Poet leaves the effort to the model");
  assert.equal(poet.text, undefined, "no verbosity to a model that does not take it");
  assert.equal(poet.tools, undefined, "the Poet has no web search");

  // The conversation's own instructions go after the assistant's.
  await click(tid("instructions-button"));
  await session.waitFor(tid("instructions-dialog"));
  await setValue(tid("instructions-input"), "Keep it to one line.");
  await click(tid("instructions-save"));
  await gone(tid("instructions-dialog"));
  // A composer change wins for this conversation, and never becomes the preference.
  await click(tid("web-search-toggle"));
  await send(session, "and a third of that?");
  await settledAnswer(session, { after: 2 });
  const own = await nthTurn(count + 2);
  assert.equal(own.instructions, `${POET}\n\nKeep it to one line.`);
  assert.deepEqual(
    own.tools?.map((t) => t.type),
    ["web_search_preview"],
    "the composer's web search over the Poet's none",
  );
  const kept = await session.execute(
    `return Promise.all([
       window.__TAURI_INTERNALS__.invoke('get_settings').then((r) => r.settings.webSearch),
       window.__TAURI_INTERNALS__.invoke('get_conversation', { id: arguments[0] })
         .then((v) => v.composerChanges.webSearch),
     ]);`,
    [tutorChat],
  );
  assert.deepEqual(kept, [false, true], "kept on the conversation, not in the preferences");

  // The marker is in the history: it is there after reopening.
  await click(tid("new-chat"));
  await click(`${tid("conversation-item")}[data-id="${tutorChat}"] button.open`);
  await session.until(async () => (await texts(tid("assistant-marker"))).length === 1, {
    what: "the marker after reopening",
  });
});

test("the editor and a chat with an assistant in Vietnamese", async () => {
  await setLanguage("vi");
  try {
    assert.match(
      (await texts(tid("assistant-marker")))[0] ?? "",
      /Bây giờ đang trò chuyện với ♪ Poet/,
    );
    await session.screenshot(shot("assistant-chat-vi"));
    await click(tid("assistant-edit"), 1);
    await session.waitFor(tid("assistant-editor"));
    await setValue(tid("assistant-name"), " ");
    await click(tid("assistant-save"));
    const problem = await (await session.waitFor(tid("assistant-problem"))).text();
    assert.equal(problem, "Hãy đặt tên cho trợ lý.");
    await session.screenshot(shot("assistant-editor-vi"));
    // The message goes as soon as the name is there again.
    await setValue(tid("assistant-name"), "Tutor");
    await gone(tid("assistant-problem"));
    await click(`${tid("assistant-editor")} .close`);
    await gone(tid("assistant-editor"));
  } finally {
    await setLanguage("en");
  }
});

test("a Playground preset becomes an assistant, saying what it cannot carry; an assistant opens in the Playground", async () => {
  await click(tid("mode-playground"));
  await session.waitFor(tid("playground"));
  await setValue(tid("pg-model"), "gpt-5.2");
  await setValue(tid("pg-instructions"), "Reply in French.");
  await setValue(tid("pg-reasoning-effort"), "xhigh");
  await click("[data-testid=pg-presets] > summary");
  await setValue(tid("pg-preset-name"), "French");
  await click(tid("pg-preset-save"));
  await session.waitFor(tid("pg-preset-make-assistant"));
  await click(tid("pg-preset-make-assistant"));

  // The editor opens over the chat, filled from the preset.
  await session.waitFor(tid("assistant-editor"));
  assert.equal(await value(tid("assistant-name")), "French");
  assert.equal(await value(tid("assistant-instructions")), "Reply in French.");
  assert.equal(await value(tid("assistant-model")), "gpt-5.2");
  assert.equal(await value(tid("assistant-effort")), "xhigh");
  const note = await (await session.find(tid("assistant-from-preset"))).text();
  assert.match(note, /Made from the preset “French” v1/);
  // The form's empty user message is nothing to carry; a temperature would be.
  await click(tid("assistant-save"));
  await gone(tid("assistant-editor"));
  const names = await session.execute(
    "return window.__TAURI_INTERNALS__.invoke('assistant_list').then((l) => l.map((a) => [a.name, a.reasoningEffort]))",
  );
  assert.deepEqual(names, [
    ["French", "xhigh"],
    ["Poet", null],
    ["Tutor", "high"],
  ]);

  // The Tutor opens in the Playground: the form sends what its chat sends.
  const tutorIndex = (await texts(tid("assistant-item"))).findIndex((s) => s.includes("Tutor"));
  await click(tid("assistant-edit"), tutorIndex);
  await session.waitFor(tid("assistant-open-playground"));
  await click(tid("assistant-open-playground"));
  await session.waitFor(tid("playground"));
  assert.equal(await value(tid("pg-instructions")), TUTOR);
  assert.equal(await value(tid("pg-model")), "gpt-5.1");
  assert.equal(await value(tid("pg-reasoning-effort")), "high");
  assert.equal(await value(tid("pg-verbosity")), "low");
  await click(tid("mode-chat"));
});

test("a deleted assistant asks first; its conversation goes on with what it kept", async () => {
  const poetIndex = (await texts(tid("assistant-item"))).findIndex((s) => s.includes("Poet"));
  await click(tid("assistant-edit"), poetIndex);
  await session.waitFor(tid("assistant-delete"));
  await click(tid("assistant-delete"));
  // Asked, not yet done.
  await session.waitFor(tid("assistant-delete-confirm"));
  assert.equal((await texts(tid("assistant-item"))).length, 3);
  await click(tid("assistant-delete-confirm"));
  await gone(tid("assistant-editor"));
  await session.until(async () => (await texts(tid("assistant-item"))).length === 2, {
    what: "the Poet gone from the list",
  });
  // The conversation that talks to the Poet goes on with its copy.
  await click(`${tid("conversation-item")}[data-id="${tutorChat}"] button.open`);
  await session.until(async () => (await texts(tid("message-assistant"))).length === 3, {
    what: "the conversation",
  });
  assert.match(await (await session.find(tid("assistant-switch"))).text(), /Poet/);
  const count = sentTurns().length;
  await send(session, "one more");
  await settledAnswer(session, { after: 3 });
  assert.equal((await nthTurn(count + 1)).instructions, `${POET}\n\nKeep it to one line.`);
});
