// What rendered model output must never contain, as a list of findings (empty
// means inert). Shared by the sanitizer tests and the fuzzer; tests only.
import { cleanMathStyle } from "../math-style";

const LOADING_TAGS = new Set([
  "script",
  "style",
  "link",
  "meta",
  "base",
  "iframe",
  "frame",
  "object",
  "embed",
  "form",
  "input",
  "video",
  "audio",
  "source",
  "track",
  "picture",
  "use",
  "image",
  "feimage",
  "mglyph",
]);
// Read by people or by our own click handler, never fetched or parsed as CSS.
const TEXT_ATTRS = new Set(["alt", "title", "aria-label", "class", "data-alt", "xmlns"]);

export function findings(root: Element): string[] {
  const found: string[] = [];
  for (const el of root.querySelectorAll("*")) {
    const tag = el.localName;
    if (LOADING_TAGS.has(tag)) found.push(`<${tag}>`);
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value;
      const where = `${tag}[${name}=${value.slice(0, 80)}]`;
      if (name.startsWith("on")) found.push(`handler ${where}`);
      // Browsers skip leading whitespace and control characters before a scheme.
      const scheme = value.replace(/^[\s\p{Cc}]+/u, "");
      if (/^javascript:/i.test(scheme)) found.push(`javascript ${where}`);
      if (name === "style") {
        // Only KaTeX's own layout styles, already in their re-parsed form.
        if (el.closest(".katex, .katex-error") === null || cleanMathStyle(value) !== value) {
          found.push(`style ${where}`);
        }
        continue;
      }
      if (tag === "a" && name === "href") {
        if (!/^(?:https?:|mailto:)/i.test(value)) found.push(`href ${where}`);
        continue;
      }
      if (tag === "img" && name === "src") {
        if (!/^(?:data:image\/(?:png|jpe?g|gif|webp|avif);|blob:)/i.test(value)) {
          found.push(`img ${where}`);
        }
        continue;
      }
      if (tag === "button" && name === "data-src" && el.classList.contains("md-remote-image")) {
        continue;
      }
      if (TEXT_ATTRS.has(name) || name.startsWith("aria-")) continue;
      if (/(?:^|[\s,])(?:[a-z][a-z0-9+.-]*:)?\/\/|url\s*\(|\\|^(?:data|blob):/i.test(value)) {
        found.push(`reference ${where}`);
      }
    }
  }
  return found;
}
