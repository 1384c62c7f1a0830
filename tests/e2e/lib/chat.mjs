// What a user does in Halley's UI, as small steps over a WebDriver session:
// first-run setup, choosing a model, sending, waiting for the answer.
import { randomBytes } from "node:crypto";

export const ENTER = "\uE007";
export const ESCAPE = "\uE00C";
export const CONTROL = "\uE009";
export const TAB = "\uE004";

const tid = (id) => `[data-testid="${id}"]`;
export { tid };

/** A key the mock accepts (anything not starting with sk-bad), unique per run. */
export function randomKey() {
  return `sk-e2e-${randomBytes(12).toString("hex")}`;
}

/** Fills the first-run screen with a Custom provider and saves; waits for the chat. */
export async function completeSetup(session, { baseUrl, apiKey }) {
  await session.waitFor(tid("api-key-input"));
  await (await session.find(`${tid("provider-select")} option[value="custom"]`)).click();
  const url = await session.find(tid("base-url-input"));
  // Custom makes the field editable; a preset would keep it read-only.
  await session.until(async () => (await url.attribute("readonly")) === null, {
    what: "base URL editable after choosing Custom",
  });
  await url.clear();
  await url.type(baseUrl);
  await (await session.find(tid("api-key-input"))).type(apiKey);
  await (await session.find(tid("save-key"))).click();
  await session.waitFor(tid("new-chat"), { timeout: 20000 });
}

/**
 * Gets a freshly started app on a new data dir past first-run setup. Until
 * the provider list has loaded the UI shows the chat layout, so "no setup
 * screen yet" proves nothing: a fresh data dir must reach setup first.
 */
export async function setupFresh(app, { baseUrl, apiKey = randomKey() }) {
  await app.session.waitFor(tid("setup-screen"), { timeout: 20000 });
  await completeSetup(app.session, { baseUrl, apiKey });
  return apiKey;
}

/** The model the backend has stored (what the next start will use), asked over IPC. */
function storedModel(session) {
  return session.execute(
    "return window.__TAURI_INTERNALS__.invoke('get_settings').then((r) => r.settings.model, () => null)",
  );
}

/** Types a model name into the picker and leaves it, which is when the picker commits it. */
export async function setModel(session, model) {
  const input = await session.find(tid("model-input"));
  await input.clear();
  // Tab leaves the field, and blur commits free text (ModelPicker onblur → choose(query)).
  // A click elsewhere would land on the open option list, which covers the composer.
  await input.type(`${model}${TAB}`);
  await session.until(async () => (await storedModel(session)) === model, {
    what: `model preference to become ${model}`,
  });
}

/** Puts text in the composer through the textarea's input event (keeps newlines). */
export async function fillComposer(session, text) {
  await session.execute(
    `const el = document.querySelector('[data-testid="composer-input"]');
     el.value = arguments[0];
     el.dispatchEvent(new Event('input', { bubbles: true }));`,
    [text],
  );
}

export async function assistantCount(session) {
  return (await session.findAll(tid("message-assistant"))).length;
}

/** Types `text` and clicks Send (the real keyboard path); returns the answers count before. */
export async function send(session, text, { typed = true } = {}) {
  const before = await assistantCount(session);
  const composer = await session.find(tid("composer-input"));
  if (typed) {
    await composer.clear();
    await composer.type(text);
  } else {
    await fillComposer(session, text);
  }
  const button = await session.waitFor(tid("send-button"), {
    predicate: async (b) => (await b.property("disabled")) === false,
  });
  await button.click();
  return before;
}

/** The last assistant message once it is no longer streaming: {el, status, text of its Markdown}. */
export async function settledAnswer(session, { after = 0, timeout = 20000 } = {}) {
  return session.until(
    async () => {
      const all = await session.findAll(tid("message-assistant"));
      if (all.length <= after) return null;
      const el = all[all.length - 1];
      const status = await el.attribute("data-status");
      if (status === "streaming") return null;
      // The composer shows Send again only once the run is over and reloaded.
      if (await session.find(tid("stop-button"))) return null;
      // The rendered answer only, without the banner, badges and buttons around it.
      const body = await el.find(".markdown");
      return { el, status, text: body ? await body.text() : "" };
    },
    { timeout, what: "the answer to finish" },
  );
}

/** Opens a fresh conversation (the composer then starts a new one). */
export async function newChat(session) {
  await (await session.find(tid("new-chat"))).click();
  await session.until(async () => (await assistantCount(session)) === 0, {
    what: "an empty conversation",
  });
}
