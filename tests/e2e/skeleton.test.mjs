// The real app binary, in its real webview under Xvfb, driven over WebDriver.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { startApp, shot } from "./lib/harness.mjs";

let app;
after(async () => app?.stop());

test("the window is titled Halley and shows the chat layout", async () => {
  app = await startApp({ name: "skeleton" });
  const { session } = app;
  // tauri.conf.json names the window; a wrong config or a blank page changes this.
  assert.equal(await session.title(), "Halley");
  // The built UI (custom protocol, not a dev server) mounted the sidebar and composer.
  assert.ok(await session.find('[data-testid="new-chat"]'), "sidebar has a New chat button");
  assert.ok(await session.find('[data-testid="settings-button"]'), "sidebar has Settings");
  await session.screenshot(shot("skeleton"));
});
