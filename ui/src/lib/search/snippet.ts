// Search snippets mark matches with U+0002 … U+0003 in plain text. Splitting
// them into parts lets the UI render <mark> elements as text nodes: a snippet
// is never parsed as HTML.
export interface SnippetPart {
  text: string;
  match: boolean;
}

export function splitSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let match = false;
  let text = "";
  const push = () => {
    if (text) parts.push({ text, match });
    text = "";
  };
  for (const ch of snippet) {
    if (ch === "\u0002" || ch === "\u0003") {
      push();
      match = ch === "\u0002";
    } else {
      text += ch;
    }
  }
  push();
  return parts;
}
