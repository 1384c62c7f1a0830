// The one gate between model output and the DOM. DOMPurify removes scripts
// and handlers against an allow-list; the pass after it enforces what
// DOMPurify cannot know about this app: links only http/https/mailto and only
// through our click handler, no remote loads of any kind, no bidi-override
// characters that disguise a link, and the app's own controls (copy buttons,
// image placeholders) added only here, after sanitizing, never from input.
import DOMPurify from "dompurify";

const purify = DOMPurify(window);

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
const FORBID_ATTR = ["id", "name", "for", "form", "target", "formaction", "action", "ping"];
// Attributes that make the webview fetch something; only a[href] and img[src] survive, checked below.
const URL_ATTRS = ["src", "srcset", "href", "xlink:href", "poster", "background", "lowsrc"];

const DANGEROUS_STYLE =
  /url\s*\(|expression\s*\(|image-set|@import|behavior\s*:|position\s*:\s*fixed/i;
// LRE, RLE, PDF, LRO, RLO and the isolates: invisible characters that reorder text
// ("moc.live" shown as "evil.com") and have no place in a chat answer.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
const BIDI_CONTROLS = new RegExp(BIDI_CONTROL.source, "g");
const SAFE_IMAGE_DATA = /^data:image\/(?:png|jpe?g|gif|webp|avif);base64,/i;

purify.addHook("uponSanitizeAttribute", (_node, data) => {
  if (data.attrName === "style" && DANGEROUS_STYLE.test(data.attrValue)) data.keepAttr = false;
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

function stripUrlAttributes(element: Element): void {
  const tag = element.localName;
  for (const name of URL_ATTRS) {
    if (!element.hasAttribute(name)) continue;
    if ((tag === "a" && name === "href") || (tag === "img" && name === "src")) continue;
    element.removeAttribute(name);
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

export function sanitizeHtml(html: string, labels: SanitizeLabels): string {
  const fragment = purify.sanitize(html, {
    USE_PROFILES: { html: true, svg: true, mathMl: true },
    FORBID_TAGS,
    FORBID_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|data:image\/)/i,
    RETURN_DOM_FRAGMENT: true,
  });

  for (const element of fragment.querySelectorAll("*")) stripUrlAttributes(element);
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

  const container = fragment.ownerDocument.createElement("div");
  container.append(fragment);
  return container.innerHTML;
}
