// The real app against third-party gateway software nobody here wrote: the
// LiteLLM proxy (PyPI) in front of llmock (PyPI) as the model, both on
// 127.0.0.1. What the model side received is read from llmock's own journal,
// so each check is on the backend's side of the gateway:
// - LiteLLM without a database answers `previous_response_id` with a 200
//   and drops the first turn: the second turn must still carry the first.
// - LiteLLM's Responses pass-through refuses `reasoning` with a 400
//   `UnsupportedParamsError`: the answer must arrive without it, say so, and
//   the composer must grey the control.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { freshDataDir, shot, startApp, test } from "./lib/harness.mjs";
import { newChat, send, setModel, settledAnswer, setupFresh, tid } from "./lib/chat.mjs";
import { LITELLM_KEY, startLitellm } from "./lib/gateways.mjs";

let gateway;
let app;
let session;

before(async () => {
  gateway = await startLitellm();
  app = await startApp({ dataDir: freshDataDir(), name: "gateway" });
  session = app.session;
  await setupFresh(app, { baseUrl: gateway.baseUrl, apiKey: LITELLM_KEY });
});

after(async () => {
  await app?.stop();
  gateway?.stop();
});

test("through LiteLLM, the second turn reaches the model with the first", async () => {
  await newChat(session);
  await setModel(session, "bridge");
  await send(session, "my favourite colour is periwinkle");
  const first = await settledAnswer(session, { timeout: 60000 });
  assert.equal(first.status, "complete", "the first answer arrives through the gateway");
  // The request naming the new conversation may reach it now or later: not a turn.
  const turns = async () =>
    (await gateway.journal()).filter(
      (body) => !JSON.stringify(body).includes("Name this conversation"),
    );
  const before = (await turns()).length;
  await send(session, "which colour did I name?");
  const second = await settledAnswer(session, { after: 1, timeout: 60000 });
  assert.equal(second.status, "complete");
  const reached = (await turns()).slice(before);
  assert.equal(reached.length, 1, "one request reached the model for the second turn");
  const prompt = JSON.stringify(reached[0]);
  assert.ok(prompt.includes("which colour did I name?"), "the new message reached it");
  assert.ok(
    prompt.includes("periwinkle"),
    `the first turn reached the model too (replayed, not trusted to previous_response_id): ${prompt.slice(0, 400)}`,
  );
});

test("through LiteLLM's pass-through, refused reasoning is left out, said and greyed", async () => {
  await newChat(session);
  await setModel(session, "pass");
  await session.execute(
    `const s = document.querySelector('[data-testid="effort-select"]');
     s.selectedIndex = s.options.length - 1;
     s.dispatchEvent(new Event('change', { bubbles: true }));`,
  );
  await send(session, "think about kiwis");
  const answer = await settledAnswer(session, { timeout: 60000 });
  assert.equal(answer.status, "complete", "the answer arrives without the refused setting");
  const notes = await session.waitFor(tid("turn-notes"));
  assert.match(await notes.text(), /Reasoning effort was left out/);
  await session.until(
    async () =>
      session.execute(`return document.querySelector('[data-testid="effort-select"]').disabled`),
    { what: "the effort control to be greyed" },
  );
  const reason = await session.execute(
    `return document.querySelector('[data-testid="effort-select"]').title`,
  );
  assert.match(reason, /Not supported by this model/);
  await session.screenshot(shot("gateway-litellm"));
});
