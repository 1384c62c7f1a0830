// Rendered parts as the Markdown component puts them in the page: sanitized
// HTML as markup, text as a text node (never parsed).
import type { Part } from "../renderer";

export function partsToElement(parts: readonly Part[]): HTMLElement {
  const root = document.createElement("div");
  for (const part of parts) {
    const block = document.createElement("div");
    block.className = part.kind === "html" ? "md-block" : "md-block md-plain";
    if (part.kind === "html") block.innerHTML = part.html;
    else block.textContent = part.kind === "text" ? part.text : part.source;
    root.append(block);
  }
  return root;
}

/** The content of a message's parts joined, without their wrappers: two renders that split differently compare equal. */
export function partsHtml(parts: readonly Part[]): string {
  return [...partsToElement(parts).children].map((block) => block.innerHTML).join("");
}
