// The capability probe Halley runs by itself, end to end in the real app:
// the first time a model is used at a provider its findings appear in
// Settings without "Check" being pressed, beside the user's own turn (which
// takes the safe path meanwhile); turned off in Settings, a newly picked
// model is not probed. halley-mock plays the gateway behind a recording
// proxy, so the test sees every request that went on the wire.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { freshDataDir, startApp, startMock, test } from "./lib/harness.mjs";
import { newChat, send, setModel, settledAnswer, setupFresh, tid } from "./lib/chat.mjs";
import { startRecorder } from "./lib/recorder.mjs";
import { sleep } from "./lib/webdriver.mjs";

let mock;
let recorder;
let app;
let session;

before(async () => {
  mock = await startMock();
  recorder = await startRecorder(mock.baseUrl);
  // The harness turns the automatic probe off for every other test.
  app = await startApp({
    dataDir: freshDataDir(),
    name: "auto-probe",
    env: { HALLEY_TEST_NO_AUTO_PROBE: "" },
  });
  session = app.session;
  await setupFresh(app, { baseUrl: recorder.baseUrl });
});

after(async () => {
  await app?.stop();
  await recorder?.stop();
  await mock?.stop();
});

/** The probe's plain check, recognisable by its prompt (probe.rs). */
const PROBE_PROMPT = "Reply with the single word: ready";
const probeRequests = (model) =>
  recorder
    .creates()
    .filter((body) => body.model === model && JSON.stringify(body.input).includes(PROBE_PROMPT));

const verdictOf = async (feature) =>
  (await session.find(tid(`capability-${feature}`))).attribute("data-verdict");

test("a model's first use starts the probe, and Settings shows what it found", async () => {
  await newChat(session);
  await setModel(session, "echo");
  await send(session, "hello there");
  const answer = await settledAnswer(session);
  assert.equal(answer.status, "complete", "the turn does not wait for the probe");
  await session.until(async () => probeRequests("echo").length > 0, {
    what: "the probe's requests for the model just picked",
    timeout: 30000,
  });

  await (await session.find(tid("settings-button"))).click();
  await session.waitFor(tid("capabilities"));
  await session.until(async () => (await verdictOf("chaining")) !== "untested", {
    what: "the automatic probe's verdict on chaining, without pressing Check",
    timeout: 60000,
  });
  assert.equal(await verdictOf("responses"), "supported");
  assert.equal(
    await verdictOf("chaining"),
    "ignored",
    "halley-mock accepts previous_response_id and answers without the first turn",
  );
  // Picked again, or used again: probed once, not on every turn.
  const probes = probeRequests("echo").length;
  await session.keys("\uE00C");
  await send(session, "and again");
  await settledAnswer(session, { after: 1 });
  await sleep(1000);
  assert.equal(probeRequests("echo").length, probes, "no second probe of the same model");
});

test("turned off, a newly picked model is not probed", async () => {
  await (await session.find(tid("settings-button"))).click();
  const toggle = await session.waitFor(tid("probe-automatically"));
  assert.equal(await toggle.property("checked"), true, "on by default");
  await session.execute(
    `document.querySelector('[data-testid="probe-automatically"]').scrollIntoView({ block: "center" })`,
  );
  await toggle.click();
  await session.until(
    async () =>
      (await session.execute(
        "return window.__TAURI_INTERNALS__.invoke('get_settings').then((r) => r.settings.probeAutomatically)",
      )) === false,
    { what: "the setting to be saved off" },
  );
  await session.keys("\uE00C");

  await newChat(session);
  await setModel(session, "echo-plain");
  await send(session, "no probe please");
  await settledAnswer(session);
  await sleep(2000);
  assert.equal(probeRequests("echo-plain").length, 0, "nothing but the user's turn was sent");
});
