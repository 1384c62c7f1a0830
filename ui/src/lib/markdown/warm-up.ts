// The first answer with formulas or highlighted code paid for what the page
// had never done: marked, KaTeX, highlight.js and DOMPurify running for the
// first time (the engine compiles them as they run), and the first layout of
// KaTeX's output, which loads and decodes its fonts. Measured in WebKitGTK,
// an 8 KB answer of mixed markdown streamed first in the page stalled
// 430–480 ms, and 170 ms once this warm-up had run. So, once the page is
// idle after start-up, a few small samples go through the same pipeline,
// one idle task each, and are laid out out of sight, then removed: that
// cost moves to moments nobody is waiting for, in pieces.
import { renderBlock } from "./renderer";

/** Formulas in the fonts answers use most (main, math italic, sizes, AMS), code, a table. */
export const WARM_UP_SAMPLES = [
  "Warm-up: **bold** *italic* `code` $x^2 + \\alpha_i$ and $\\mathbb{R}$.",
  "$$\n\\int_0^1 \\frac{\\sqrt{x}}{2}\\,dx = \\sum_{n=1}^{\\infty} \\left(\\frac{1}{n^2}\\right)\n$$\n",
  '```rust\nfn main() {\n    let v: Vec<u32> = vec![1, 2];\n    println!("{v:?}");\n}\n```\n',
  "```python\ndef f(x):\n    return [i for i in range(x)]\n```\n",
  "| a | b |\n|---|---|\n| 1 | 2 |\n\n- a list\n  - nested\n\n> a quote\n",
];

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
 * Renders WARM_UP_SAMPLES, one per idle task, then lays their HTML out
 * hidden and removes it. The HTML is the sanitizer's output for fixed
 * samples, placed as every part is. Resolves when done (tests), never rejects.
 */
export function warmUpMarkdown(doc: Document = document, fallbackMs = 1500): Promise<void> {
  const win = doc.defaultView;
  if (win === null) return Promise.resolve();
  const labels = { copy: "", loadImage: () => "" };
  const html: string[] = [];
  return new Promise((resolve) => {
    const layOut = () => {
      try {
        const host = doc.createElement("div");
        host.className = "markdown";
        host.setAttribute("aria-hidden", "true");
        // Laid out (so fonts load and styles resolve) but never seen or reached.
        host.style.cssText = "position:fixed;left:-10000px;top:0;width:600px;visibility:hidden";
        host.innerHTML = html.join("");
        doc.body.append(host);
        void host.offsetHeight;
        const done = () => {
          host.remove();
          resolve();
        };
        const fonts = (doc as Document & { fonts?: { ready: Promise<unknown> } }).fonts;
        if (fonts) fonts.ready.then(done, done);
        else done();
      } catch {
        resolve();
      }
    };
    const next = (index: number) => {
      const sample = WARM_UP_SAMPLES[index];
      if (sample === undefined) return whenIdle(win, layOut, fallbackMs);
      whenIdle(
        win,
        () => {
          try {
            const part = renderBlock(sample, labels);
            if (part.kind === "html") html.push(part.html);
          } catch {
            // A warm-up that fails warms less; it never shows anything.
          }
          next(index + 1);
        },
        fallbackMs,
      );
    };
    next(0);
  });
}
