// Markdown → sanitized HTML, block by block. Finished blocks are rendered
// once and cached by their source (shared by all messages, so a message
// scrolled back into view costs nothing); the open tail of a streaming
// message is re-rendered with its unfinished syntax closed.
import { Marked } from "marked";
import { BlockSplitter } from "./blocks";
import { emphasisLimit } from "./emphasis-limit";
import { escapeHtml, highlightCode } from "./highlight";
import { closeIncomplete } from "./incomplete";
import { MATH_CLOSE, MATH_OPEN, mathExtensions, takeMath } from "./math";
import { nestingLimit } from "./nesting-limit";
import { plainBlock } from "./plain";
import { sanitizeHtml, type SanitizeLabels } from "./sanitize";

export const marked = new Marked(
  {
    gfm: true,
    breaks: false,
    extensions: mathExtensions,
    renderer: {
      code({ text, lang }) {
        const language = /^[\w+#-]+$/.exec((lang ?? "").trim().split(/\s+/)[0] ?? "")?.[0] ?? "";
        const cls = language ? ` class="hljs language-${escapeHtml(language)}"` : ` class="hljs"`;
        return `<pre><code${cls}>${highlightCode(text.replace(/\n$/, ""), language)}</code></pre>\n`;
      },
    },
  },
  emphasisLimit,
  nestingLimit,
);

const CACHE_LIMIT = 4000;
const cache = new Map<string, string>();

/** How many blocks went through parse + sanitize (tests and the benchmark read it). */
export const renderStats = { blocks: 0 };

/**
 * The open block of a streaming message is re-rendered on every frame; past
 * this size it is shown as plain text until it is finished (then it is
 * rendered once, and cached), so a huge open block cannot cost a frame budget.
 */
export const OPEN_BLOCK_LIMIT = 8 * 1024;
// Our placeholders for formulas (math.ts); the model's own copies are dropped so
// it cannot point at a formula.
const MATH_MARKS = new RegExp(`[${MATH_OPEN}${MATH_CLOSE}]`, "g");

export function renderBlock(source: string, labels: SanitizeLabels): string {
  renderStats.blocks++;
  takeMath();
  try {
    const html = marked.parse(source.replace(MATH_MARKS, ""), { async: false });
    return sanitizeHtml(html, labels, takeMath());
  } catch {
    // Nesting deep enough to overflow the parser's stack (thousands of ">"):
    // the text is still shown, as text.
    takeMath();
    return plainBlock(source);
  }
}

function cachedBlock(source: string, labels: SanitizeLabels): string {
  // The labels are part of the output, so a language switch must not reuse old HTML.
  const key = `${labels.copy}\u0000${labels.loadImage("")}\u0000${source}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    // Refresh recency: Map keeps insertion order, so the oldest entry is evicted first.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const html = renderBlock(source, labels);
  cache.set(key, html);
  if (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return html;
}

export function clearBlockCache(): void {
  cache.clear();
}

/** One per displayed message: keeps the incremental block split between deltas. */
export class MessageRenderer {
  private readonly splitter = new BlockSplitter(marked);

  constructor(private readonly labels: () => SanitizeLabels) {}

  render(text: string, streaming: boolean): string[] {
    const blocks = this.splitter.split(text, streaming);
    const labels = this.labels();
    return blocks.map((source, i) =>
      streaming && i === blocks.length - 1
        ? source.length > OPEN_BLOCK_LIMIT
          ? plainBlock(source)
          : renderBlock(closeIncomplete(source), labels)
        : cachedBlock(source, labels),
    );
  }
}
