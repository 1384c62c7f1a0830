// The first answer with formulas or highlighted code paid for what the page
// had never done: marked, KaTeX, highlight.js and DOMPurify running for the
// first time (the engine compiles them as they run), and the first layout of
// KaTeX's output, which loads and decodes its fonts. Measured in WebKitGTK,
// an 8 KB answer of mixed markdown streamed first in the page stalled
// 300–480 ms, the same answer later 60–130 ms. So, once the page is idle
// after start-up, one small sample is rendered through the same pipeline and
// laid out out of sight, then removed: that cost moves to a moment nobody
// is waiting, and the renderer's caches hold nothing of it that matters.
import { renderBlock } from "./renderer";

/** Formulas in the fonts answers use most (main, math italic, sizes, AMS), and code. */
export const WARM_UP_SAMPLE = [
  "Warm-up: **bold** *italic* `code` $x^2 + \\alpha_i$ and $\\mathbb{R}$.",
  "",
  "$$\n\\int_0^1 \\frac{\\sqrt{x}}{2}\\,dx = \\sum_{n=1}^{\\infty} \\left(\\frac{1}{n^2}\\right)\n$$",
  "",
  '```rust\nfn main() {\n    let v: Vec<u32> = vec![1, 2];\n    println!("{v:?}");\n}\n```',
  "",
  "```python\ndef f(x):\n    return [i for i in range(x)]\n```",
  "",
  "| a | b |\n|---|---|\n| 1 | 2 |",
  "",
].join("\n");

interface IdleWindow {
  requestIdleCallback?: (callback: () => void, options?: { timeout: number }) => number;
}

/** Runs `task` when the page is idle (or after `fallbackMs` where idle callbacks do not exist). */
function whenIdle(win: Window & IdleWindow, task: () => void, fallbackMs: number): void {
  if (typeof win.requestIdleCallback === "function") {
    win.requestIdleCallback(task, { timeout: fallbackMs * 2 });
  } else {
    win.setTimeout(task, fallbackMs);
  }
}

/**
 * Renders WARM_UP_SAMPLE once the page is idle and lays it out hidden, then
 * removes it. The HTML is the sanitizer's output for a fixed sample, placed
 * as every part is. Resolves when done (tests), never rejects.
 */
export function warmUpMarkdown(doc: Document = document, fallbackMs = 1500): Promise<void> {
  const win = doc.defaultView;
  if (win === null) return Promise.resolve();
  return new Promise((resolve) => {
    whenIdle(
      win,
      () => {
        try {
          const part = renderBlock(WARM_UP_SAMPLE, { copy: "", loadImage: () => "" });
          if (part.kind !== "html") return resolve();
          const host = doc.createElement("div");
          host.className = "markdown";
          host.setAttribute("aria-hidden", "true");
          // Laid out (so fonts load and styles resolve) but never seen or reached.
          host.style.cssText = "position:fixed;left:-10000px;top:0;width:600px;visibility:hidden";
          host.innerHTML = part.html;
          doc.body.append(host);
          void host.offsetHeight;
          const fonts = (doc as Document & { fonts?: { ready: Promise<unknown> } }).fonts;
          const done = () => {
            host.remove();
            resolve();
          };
          if (fonts) fonts.ready.then(done, done);
          else done();
        } catch {
          resolve();
        }
      },
      fallbackMs,
    );
  });
}
