// What an answer tells besides its text, in the real app against halley-mock:
// how long a reasoning model thought, that an answer was cut off (with
// Continue), and what it cost. Cost: against a custom provider (so
// no list prices). An answer by a model without a price shows its tokens
// only; once the user gives the model a price in Settings, the next answer
// shows its cost, the conversation its total, and the usage table the day
// with the unpriced answer counted apart (costs use the table as it is now,
// for past answers too). A typo in the table is refused in
// words, and nothing is saved.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { ROOT, freshDataDir, shot, startApp, startMock, test } from "./lib/harness.mjs";
import { newChat, send, setModel, setupFresh, settledAnswer, tid } from "./lib/chat.mjs";

let mock;
let app;
let session;

before(async () => {
  mock = await startMock(["--cases", resolve(ROOT, "../shared/fixtures/responses/cases")]);
  app = await startApp({ dataDir: freshDataDir(), name: "answer-details" });
  session = app.session;
  await setupFresh(app, { baseUrl: mock.baseUrl });
});

after(async () => {
  await app?.stop();
  await mock?.stop();
});

async function setField(selector, index, value) {
  await session.execute(
    `const el = document.querySelectorAll(arguments[0])[arguments[1]];
     Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(el, arguments[2]);
     el.dispatchEvent(new Event("input", { bubbles: true }));`,
    [selector, index, value],
  );
}

async function openSettingsAt(selector) {
  await (await session.find(tid("settings-button"))).click();
  await session.waitFor(selector);
  await session.execute(
    `document.querySelector(arguments[0]).scrollIntoView({ block: "center" })`,
    [selector],
  );
}

/** Clicks by script: inside the scrolling Settings dialog a button can move as its section grows. */
async function clickIn(selector) {
  await session.execute(`document.querySelector(arguments[0]).click();`, [selector]);
}

async function closeSettings() {
  await session.execute(`document.querySelector('.settings header .close').click();`);
}

test("an unpriced model shows tokens only; priced, the answer, the conversation and the day show what it cost", async () => {
  await newChat(session);
  // Any model the mock does not know answers as the echo.
  await setModel(session, "unpriced-model");
  await send(session, "hello there");
  const first = await settledAnswer(session);
  assert.equal(first.status, "complete");
  assert.equal((await session.findAll(tid("answer-cost"))).length, 0, "no price, no cost");
  assert.equal((await session.findAll(tid("conversation-cost"))).length, 0);

  // A typo is refused with its row, in words; nothing is saved.
  await openSettingsAt(tid("price-add"));
  await clickIn(tid("price-add"));
  await setField(tid("price-model"), 0, "echo");
  await setField(tid("price-input"), 0, "1o");
  await setField(tid("price-output"), 0, "2");
  await clickIn(tid("price-save"));
  const problem = await (await session.waitFor(tid("price-problem"))).text();
  assert.match(problem, /Row 1: “1o” is not a price/, problem);
  const stored = () =>
    session.execute(
      "return window.__TAURI_INTERNALS__.invoke('get_settings').then((r) => r.settings.prices)",
    );
  assert.deepEqual(await stored(), [], "nothing saved");

  // $1 per 1M input tokens, $2 per 1M output tokens.
  await setField(tid("price-input"), 0, "1");
  await clickIn(tid("price-save"));
  await session.until(async () => (await stored()).length === 1, { what: "the price saved" });
  const [price] = await stored();
  assert.equal(price.model, "echo");
  assert.equal(price.input, 1_000_000, "micro-dollars per 1M tokens");
  assert.equal(price.output, 2_000_000);
  await closeSettings();

  // Costs are worked out with the table as it is now: the echo is priced,
  // the first answer's model still is not.
  await setModel(session, "echo");
  await send(session, "and now with a price");
  await settledAnswer(session, { after: 1 });
  const cost = await (await session.waitFor(tid("answer-cost"))).text();
  assert.match(cost, /\$0\.0000\d+/, `the answer's cost: ${cost}`);
  const total = await (await session.waitFor(tid("conversation-cost"))).text();
  assert.match(total, /\$0\.0000\d+.*\+ 1 without a price/, `the conversation's: ${total}`);

  await openSettingsAt(tid("usage-section"));
  const today = await session.until(
    async () =>
      session.execute(
        `return [...document.querySelectorAll('[data-testid="usage-row"]')].map((r) => r.innerText)[0] ?? null;`,
      ),
    { what: "the usage table" },
  );
  assert.match(today, /\$0\.0000\d+ \+ 1 without a price/, `today's row: ${today}`);
  await session.screenshot(shot("settings-usage"));
  await closeSettings();
});

test("a reasoning answer says how long the model thought", async () => {
  await newChat(session);
  await setModel(session, "echo");
  const effort = await session.find(tid("effort-select"));
  await (await effort.find('option[value="low"]')).click();
  // "slowly": the mock takes a moment over its reasoning, as a model does.
  await send(session, "slowly think it over");
  const answer = await settledAnswer(session, { timeout: 60000 });
  assert.equal(answer.status, "complete");
  const summary = await (await session.waitFor(`${tid("thinking")} summary`)).text();
  assert.match(summary, /^Thought for \d+ s$/, `the thinking says how long: ${summary}`);
  await (await effort.find("option:first-child")).click();
});

test("an answer cut off by its length limit says so, keeps its text and offers Continue", async () => {
  await newChat(session);
  await setModel(session, "fault:incomplete");
  await send(session, "tell me about the four seasons of the year");
  const cut = await settledAnswer(session);
  assert.ok(cut.text.length > 0, "the text that arrived is kept");
  const banner = await (await session.waitFor(tid("incomplete-banner"))).text();
  assert.match(banner, /cut off/, banner);
  assert.match(banner, /most it may write/, `the reason in words: ${banner}`);
  assert.equal((await session.findAll(tid("error-banner"))).length, 0, "not a failure");
  await (await session.find(tid("continue-button"))).click();
  await session.until(async () => (await session.findAll(tid("message-user"))).length === 2, {
    what: "Continue sends the next turn",
  });
  const asked = await session.execute(
    `return [...document.querySelectorAll('[data-testid="message-user"]')].at(-1).innerText;`,
  );
  assert.match(asked, /Continue from where you stopped/);
  await settledAnswer(session, { after: 1 });
});

test("an answer that is only a call to a tool chat does not offer says what the model asked for", async () => {
  await newChat(session);
  // Real recorded traffic: the model answers with a function call and no text.
  await setModel(session, "case:pydai-function-call-json");
  await send(session, "what is the weather in Hue?");
  await settledAnswer(session);
  const asked = await (await session.waitFor(tid("asked-for"))).text();
  assert.match(asked, /asked to call the tool “\w+”/, `said in words: ${asked}`);
  assert.match(asked, /\{.*\}/s, `with its arguments: ${asked}`);
});

test("a web search answer sent whole (no stream) lists its sources like a streamed one", async () => {
  const sources = async (model) => {
    await newChat(session);
    // Real recorded traffic: the same question, answered as one JSON body and as a stream.
    await setModel(session, model);
    await send(session, "how tall is Mount Columbia?");
    await settledAnswer(session);
    return session.execute(
      `return [...document.querySelectorAll('[data-testid="message-assistant"] .sources a')].map((a) => a.getAttribute("href"))`,
    );
  };
  const whole = await sources("case:pydai-web-search-annotations-json");
  assert.ok(whole.length > 0, "the JSON answer lists its sources");
  assert.ok(
    whole.some((url) => url.includes("britannica.com")),
    whole.join(", "),
  );
  const streamed = await sources("case:pydai-web-search-annotations-stream");
  assert.ok(streamed.length > 0, "and so does the streamed one");
});
