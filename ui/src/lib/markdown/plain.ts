// A block shown as its source text: for an open block too large to re-render
// on every frame, and for input the parser cannot take. Escaped, so it is
// inert whatever it holds; a block that opens a code fence keeps looking like code.
import { escapeHtml } from "./highlight";

export function plainBlock(source: string): string {
  const text = escapeHtml(source);
  return /^ {0,3}(?:`{3,}|~{3,})/.test(source)
    ? `<pre class="md-plain"><code>${text}</code></pre>`
    : `<p class="md-plain">${text}</p>`;
}
