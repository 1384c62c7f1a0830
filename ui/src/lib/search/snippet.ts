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

/**
 * A snippet of a message's markdown source as the words it shows: links and
 * images by their text, no emphasis, code, heading, quote or list markup.
 * Anything like HTML stays as the text it is (never parsed). The match marks (U+0002, U+0003) are kept where they are.
 */
export function plainSnippet(snippet: string): string {
  return (
    snippet
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/```[^\n]*\n?/g, "")
      .replace(/`/g, "")
      .replace(/\*\*|__|~~/g, "")
      // eslint-disable-next-line no-control-regex -- the match marks are control characters
      .replace(/(^|[\s(\u0002])[*_](?=[^\s*_])/g, "$1")
      // eslint-disable-next-line no-control-regex -- the match marks are control characters
      .replace(/(?<=[^\s*_])[*_](?=[\s).,;:!?\u0003]|$)/g, "")
      .replace(/^[ \t]{0,3}(?:#{1,6}|>|[-*+]|\d+\.)[ \t]+/gm, "")
  );
}
