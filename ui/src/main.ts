import { mount } from "svelte";
import App from "./App.svelte";
import QuickAsk from "./components/QuickAsk.svelte";
import { isQuickAskWindow } from "./lib/state/desktop.svelte";
import "./styles.css";
import { ipc } from "./lib/ipc";
import { setLinkOpener } from "./lib/links";
import { markAfterPaint } from "./lib/bench";
import { warmUpMarkdown } from "./lib/markdown/warm-up";

// Links in answers open in the system browser, never in the webview.
setLinkOpener((url) => {
  ipc.openUrl(url).catch(() => {});
});

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");

// Dev-only sample data; the whole branch is removed from production builds.
if (import.meta.env.DEV && new URLSearchParams(location.search).has("demo")) {
  const { installDemoBackend } = await import("./demo");
  installDemoBackend(new URLSearchParams(location.search).has("setup"));
}

// The quick-ask window loads the same page and shows only its own view.
export default mount(isQuickAskWindow() ? QuickAsk : App, { target });
markAfterPaint("first-paint");
// The first formulas and code in the page cost far more than later ones: pay that while idle.
void warmUpMarkdown();

if (import.meta.env.DEV && new URLSearchParams(location.search).has("open")) {
  const { openConversation } = await import("./lib/state/chat.svelte");
  await openConversation("c1");
}
