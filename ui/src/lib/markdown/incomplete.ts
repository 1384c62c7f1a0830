// Closes markdown syntax a stream has opened but not yet closed, so the open
// tail renders as it will look once finished instead of flickering as raw
// text (after vercel/streamdown's parse-incomplete-markdown).

const FENCE = /^ {0,3}(`{3,}|~{3,})/gm;

function openFence(text: string): string | null {
  let open: string | null = null;
  for (const match of text.matchAll(FENCE)) {
    const marker = match[1] ?? "";
    if (open === null) open = marker;
    else if (marker[0] === open[0] && marker.length >= open.length) open = null;
  }
  return open;
}

function count(text: string, pattern: RegExp): number {
  return (text.match(pattern) ?? []).length;
}

export function closeIncomplete(text: string): string {
  const fence = openFence(text);
  // Inside an open code block nothing else is markdown: just close the fence.
  if (fence !== null) return `${text}${text.endsWith("\n") ? "" : "\n"}${fence}`;

  let tail = text;
  // Display math left open would otherwise show raw TeX.
  if (count(tail, /\$\$/g) % 2 === 1) tail += "$$";

  // A link whose URL is still arriving: close it so it renders as a link, not as "[text](http".
  if (/\[[^\]\n]*\]\([^)\s]*$/.test(tail)) tail += ")";

  // Inline code: an odd number of backticks leaves a span open.
  const backticks = count(tail, /`/g);
  if (backticks % 2 === 1) tail += "`";

  // Emphasis markers counted outside code spans, innermost (last opened) closed first.
  const outsideCode = tail.replace(/`[^`]*`/g, "");
  const closers: string[] = [];
  if (count(outsideCode, /\*\*/g) % 2 === 1) closers.push("**");
  if (count(outsideCode, /~~/g) % 2 === 1) closers.push("~~");
  if (count(outsideCode, /__/g) % 2 === 1) closers.push("__");
  closers.sort((a, b) => outsideCode.lastIndexOf(b) - outsideCode.lastIndexOf(a));
  // Emphasis cannot end after whitespace, so trim before closing ("**bold " → "**bold**").
  if (closers.length > 0) tail = tail.replace(/\s+$/, "") + closers.join("");
  return tail;
}
