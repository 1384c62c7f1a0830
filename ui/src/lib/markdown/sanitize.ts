// The one gate between model output and the DOM. DOMPurify removes scripts
// and handlers against an allow-list; the pass after it enforces what
// DOMPurify cannot know about this app: links only http/https/mailto and only
// through our click handler, nothing remote is ever loaded by the webview
// itself (no `style`, no URL attribute but a[href] and an inline img[src]), no
// bidi-override characters that disguise a link, and the app's own controls
// (copy buttons, image placeholders) added only here, after sanitizing, never
// from input. KaTeX's formulas arrive apart (see math.ts) and are cleaned by
// their own, narrower rules before they go back into text nodes.
import DOMPurify from "dompurify";
import { formulaNodes, type Formula } from "./formulas";
import { cleanMathStyle } from "./math-style";
import { MATH_CLOSE, MATH_OPEN } from "./math";

const modelPurifier = DOMPurify(window);
const mathPurifier = DOMPurify(window);

const FORBID_TAGS = [
  "script",
  "style",
  "link",
  "meta",
  "base",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "form",
  "input",
  "button",
  "textarea",
  "select",
  "option",
  "video",
  "audio",
  "source",
  "track",
  "picture",
  "portal",
  "dialog",
  "template",
  "mglyph",
  // SVG elements that load or animate references.
  "use",
  "image",
  "feimage",
  "foreignobject",
  "animate",
  "animatemotion",
  "animatetransform",
  "set",
];
// `style` is refused whole: CSS escapes, comments and image-set() defeated
// every attempt to pick safe declarations out of model-written CSS.
const FORBID_ATTR = [
  "id",
  "name",
  "for",
  "form",
  "target",
  "formaction",
  "action",
  "ping",
  "style",
];
// Attributes that make the webview fetch something; only a[href] and img[src] survive, checked below.
const URL_ATTRS = [
  "src",
  "srcset",
  "href",
  "xlink:href",
  "poster",
  "background",
  "lowsrc",
  "dynsrc",
  "data",
  "codebase",
  "manifest",
  "action",
  "formaction",
  "ping",
];
// Text for people, never parsed as CSS or a URL, so parentheses there are harmless.
const TEXT_ATTRS = new Set(["alt", "title", "aria-label", "aria-description"]);
// A CSS-parsed attribute (SVG fill, filter, mask, clip-path, marker-*, cursor …)
// can reference a URL with url(…) or hide one behind an escape.
const CSS_REFERENCE = /[\\(]/;
const MATH_SLOT = new RegExp(`${MATH_OPEN}(\\d+)${MATH_CLOSE}`, "g");
const MATH_MARK = new RegExp(`[${MATH_OPEN}${MATH_CLOSE}]`);
const MATH_MARKS = new RegExp(MATH_MARK.source, "g");

// LRE, RLE, PDF, LRO, RLO and the isolates: invisible characters that reorder text
// ("moc.live" shown as "evil.com") and have no place in a chat answer.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
const BIDI_CONTROLS = new RegExp(BIDI_CONTROL.source, "g");
// No SVG: an SVG is a document, and the only images the webview shows are inline or a blob:.
const SAFE_IMAGE_DATA = /^data:image\/(?:png|jpe?g|gif|webp|avif);base64,/i;

mathPurifier.addHook("uponSanitizeAttribute", (_node, data) => {
  if (data.attrName !== "style") return;
  const clean = cleanMathStyle(data.attrValue);
  if (clean === "") data.keepAttr = false;
  else data.attrValue = clean;
});

export interface SanitizeLabels {
  copy: string;
  loadImage: (host: string) => string;
}

export function safeLinkUrl(raw: string): string | null {
  if (BIDI_CONTROL.test(raw)) return null;
  try {
    const url = new URL(raw);
    return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** Removes every attribute that could make the webview load something. */
function stripLoads(element: Element, keepStyle: boolean): void {
  const tag = element.localName;
  for (const attr of [...element.attributes]) {
    const name = attr.name.toLowerCase();
    if (name === "style" && keepStyle) continue;
    const urlAttr = URL_ATTRS.includes(name) || name.endsWith(":href");
    const kept = (tag === "a" && name === "href") || (tag === "img" && name === "src");
    if (urlAttr && !kept) element.removeAttribute(attr.name);
    else if (!urlAttr && !TEXT_ATTRS.has(name) && CSS_REFERENCE.test(attr.value)) {
      element.removeAttribute(attr.name);
    } else if (MATH_MARK.test(attr.value)) {
      // A formula in an image's alt text: its placeholder is not text to show.
      element.setAttribute(attr.name, attr.value.replace(MATH_MARKS, ""));
    }
  }
}

function fixLink(a: HTMLAnchorElement): void {
  const href = a.getAttribute("href");
  const safe = href === null ? null : safeLinkUrl(href);
  if (safe === null) {
    a.removeAttribute("href");
    return;
  }
  a.setAttribute("href", safe);
  a.setAttribute("rel", "noopener noreferrer");
  // The real destination on hover, whatever the link text claims.
  a.setAttribute("title", safe);
}

function fixImage(img: HTMLImageElement, labels: SanitizeLabels): void {
  img.removeAttribute("srcset");
  const src = img.getAttribute("src") ?? "";
  if (SAFE_IMAGE_DATA.test(src)) return;
  const doc = img.ownerDocument;
  let remote: URL | null = null;
  try {
    remote = new URL(src);
  } catch {
    remote = null;
  }
  if (remote === null || (remote.protocol !== "https:" && remote.protocol !== "http:")) {
    // Neither inline nor web: show the alt text rather than a broken fetch.
    img.replaceWith(doc.createTextNode(img.getAttribute("alt") ?? ""));
    return;
  }
  // A remote image is a tracking beacon until the user asks for it.
  const button = doc.createElement("button");
  button.type = "button";
  button.className = "md-remote-image";
  button.dataset.src = remote.href;
  button.dataset.alt = img.getAttribute("alt") ?? "";
  button.textContent = labels.loadImage(remote.host);
  img.replaceWith(button);
}

function addCodeHeader(pre: HTMLPreElement, labels: SanitizeLabels): void {
  const doc = pre.ownerDocument;
  const code = pre.querySelector("code");
  const language = /(?:^|\s)language-([\w+#-]+)/.exec(code?.className ?? "")?.[1] ?? "";
  const wrapper = doc.createElement("div");
  wrapper.className = "code-block";
  const header = doc.createElement("div");
  header.className = "code-header";
  const label = doc.createElement("span");
  label.className = "code-lang";
  label.textContent = language || "text";
  const copy = doc.createElement("button");
  copy.type = "button";
  copy.className = "md-copy";
  copy.textContent = labels.copy;
  header.append(label, copy);
  pre.replaceWith(wrapper);
  wrapper.append(header, pre);
}

const PURIFY_CONFIG = {
  USE_PROFILES: { html: true, svg: true, mathMl: true },
  FORBID_TAGS,
  FORBID_ATTR,
  ALLOW_DATA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|data:image\/)/i,
  RETURN_DOM_FRAGMENT: true,
} as const;

/**
 * KaTeX's HTML for a block's formulas, cleaned in one pass (one DOMPurify call
 * per formula made a block of many formulas slow): each formula is wrapped in
 * a <span>, and the wrappers come back in order as the fragment's children.
 * Styles are re-parsed (math-style.ts) and nothing that loads survives.
 */
function sanitizeMath(math: readonly string[]): Node[] {
  const fragment = mathPurifier.sanitize(math.map((html) => `<span>${html}</span>`).join(""), {
    ...PURIFY_CONFIG,
    USE_PROFILES: { html: true, svg: true },
    FORBID_ATTR: FORBID_ATTR.filter((name) => name !== "style"),
  });
  for (const element of fragment.querySelectorAll("*")) stripLoads(element, true);
  // KaTeX makes no links or images without `trust`; none may come from TeX either.
  for (const element of fragment.querySelectorAll("a, img")) {
    element.replaceWith(...element.childNodes);
  }
  const slots = [...fragment.childNodes];
  // KaTeX escapes what it prints, so its HTML cannot close a wrapper early; if
  // the count still differs, show no formula rather than the wrong one.
  return slots.length === math.length ? slots : [];
}

/**
 * Puts each formula back where its placeholder is, in text nodes only (never
 * in an attribute). False when some show their source for now (formulas.ts).
 */
function insertMath(root: DocumentFragment, math: readonly Formula[], deadline: number): boolean {
  if (math.length === 0) return true;
  // A formula shown as its source for now is the model's text: no bidi controls either.
  const source = (raw: string) => raw.replace(BIDI_CONTROLS, "");
  const doc = root.ownerDocument;
  const { nodes: slots, complete } = formulaNodes(doc, math, sanitizeMath, source, deadline);
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const holders: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeValue?.includes(MATH_OPEN)) holders.push(node as Text);
  }
  const used = new Set<number>();
  for (const text of holders) {
    const value = text.nodeValue ?? "";
    const parts: (string | Node)[] = [];
    let last = 0;
    for (const match of value.matchAll(MATH_SLOT)) {
      parts.push(value.slice(last, match.index).replace(MATH_MARKS, ""));
      const index = Number(match[1]);
      const slot = slots[index];
      // Each formula is placed once; a second copy of its placeholder stays empty.
      if (slot !== undefined && !used.has(index)) parts.push(slot);
      used.add(index);
      last = match.index + match[0].length;
    }
    parts.push(value.slice(last).replace(MATH_MARKS, ""));
    text.replaceWith(...parts);
  }
  return complete;
}

export interface Sanitized {
  readonly html: string;
  /** False when formulas past `deadline` show their source for now: sanitize the block again later. */
  readonly complete: boolean;
}

/**
 * Sanitized HTML for one rendered block. `math` holds the formulas whose
 * placeholders the block's HTML carries (math.ts takeMath()); those not
 * rendered before `deadline` (a `performance.now()` time) show their source.
 */
export function sanitizeHtml(
  html: string,
  labels: SanitizeLabels,
  math: readonly Formula[],
  deadline = Infinity,
): Sanitized {
  const fragment = modelPurifier.sanitize(html, PURIFY_CONFIG);

  for (const element of fragment.querySelectorAll("*")) stripLoads(element, false);
  for (const a of fragment.querySelectorAll("a")) fixLink(a);
  for (const img of fragment.querySelectorAll("img")) fixImage(img, labels);
  for (const pre of fragment.querySelectorAll("pre")) addCodeHeader(pre, labels);
  for (const table of fragment.querySelectorAll("table")) {
    const wrap = table.ownerDocument.createElement("div");
    wrap.className = "table-wrap";
    table.replaceWith(wrap);
    wrap.append(table);
  }

  const walker = fragment.ownerDocument.createTreeWalker(fragment, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeValue && BIDI_CONTROL.test(node.nodeValue)) {
      node.nodeValue = node.nodeValue.replace(BIDI_CONTROLS, "");
    }
  }
  // After the bidi pass: KaTeX's own text is not the model's.
  const complete = insertMath(fragment, math, deadline);

  const container = fragment.ownerDocument.createElement("div");
  container.append(fragment);
  return { html: container.innerHTML, complete };
}
