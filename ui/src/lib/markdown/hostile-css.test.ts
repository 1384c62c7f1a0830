// Point 1 of the hardening issue: nothing in model output may make the webview
// load anything. Each vector below got through the old sanitizer (a style
// attribute with CSS escapes or comments) or is another member of the class:
// an attribute or element that fetches a URL.
import { beforeEach, describe, expect, it } from "vitest";
import { partsToElement } from "./testing/parts";
import { clearBlockCache, MessageRenderer } from "./renderer";
import { cleanMathStyle } from "./math-style";
import { findings as remoteLoads } from "./testing/inert";

const labels = () => ({ copy: "Copy", loadImage: (host: string) => `Load image from ${host}` });
const BEACON = "http://127.0.0.1:9/x";

function render(markdown: string, streaming = false): HTMLElement {
  return partsToElement(new MessageRenderer(labels).render(markdown, streaming));
}

beforeEach(() => clearBlockCache());

describe("nothing remote is loaded by model HTML", () => {
  const vectors: Record<string, string> = {
    "CSS escapes spelling url(": `<span style="background:\\75\\72\\6c(${BEACON})">a</span>`,
    "escaped url( with quotes": `<div style="background-image:\\000075rl('${BEACON}')">a</div>`,
    "comment inside the property": `<div style="back/**/ground:url(${BEACON})">a</div>`,
    "position fixed with escapes": `<div style="position:\\66ixed;inset:0">overlay</div>`,
    "position fixed with a comment": `<div style="position:/**/fixed;inset:0">overlay</div>`,
    "image-set": `<div style="background:image-set('${BEACON}' 1x)">a</div>`,
    "style element": `<style>@import "${BEACON}"; p{background:url(${BEACON})}</style>x`,
    "svg style element": `<svg><style>circle{fill:url(${BEACON})}</style><circle r="1"/></svg>`,
    "svg fill url": `<svg><rect width="9" height="9" fill="url(${BEACON}#p)"/></svg>`,
    "svg filter escaped": `<svg><rect filter="\\75rl(${BEACON})"/></svg>`,
    "svg image": `<svg><image href="${BEACON}"/></svg>`,
    "svg image xlink": `<svg><image xlink:href="${BEACON}"/></svg>`,
    "svg use": `<svg><use href="${BEACON}#a"/></svg>`,
    "svg feImage": `<svg><filter><feImage href="${BEACON}"/></filter></svg>`,
    "svg a xlink": `<svg><a xlink:href="${BEACON}"><text>t</text></a></svg>`,
    "img srcset": `<img src="data:image/png;base64,iVBORw0KGgo=" srcset="${BEACON} 2x">`,
    "img remote": `<img src="${BEACON}">`,
    "img protocol-relative": `<img src="//127.0.0.1:9/x">`,
    "img svg data": `<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">`,
    "picture source": `<picture><source srcset="${BEACON}"><img alt="p"></picture>`,
    "video poster": `<video poster="${BEACON}"><source src="${BEACON}"></video>`,
    "audio track": `<audio src="${BEACON}"><track src="${BEACON}"></audio>`,
    "table background": `<table background="${BEACON}"><tr><td background="${BEACON}">a</td></tr></table>`,
    "body background": `<body background="${BEACON}">x</body>`,
    link: `<link rel="stylesheet" href="${BEACON}">`,
    "link prefetch": `<link rel="prefetch" href="${BEACON}">`,
    "meta refresh": `<meta http-equiv="refresh" content="0;url=${BEACON}">`,
    base: `<base href="${BEACON}/">[a](rel)`,
    iframe: `<iframe src="${BEACON}"></iframe>`,
    object: `<object data="${BEACON}"></object><embed src="${BEACON}">`,
    "form action": `<form action="${BEACON}"><button formaction="${BEACON}">b</button></form>`,
    "input image": `<input type="image" src="${BEACON}">`,
    "a ping": `<a href="https://example.com" ping="${BEACON}">x</a>`,
    "math mglyph": `<math><mglyph src="${BEACON}"/></math>`,
    "math href": `<math><mi href="${BEACON}">x</mi></math>`,
    "area href": `<map name="m"><area href="${BEACON}"></map>`,
    "markdown image": `![beacon](${BEACON})`,
    "markdown image with title": `![b](${BEACON} "t")`,
    "reference image": `![b][r]\n\n[r]: ${BEACON}`,
  };

  for (const [name, input] of Object.entries(vectors)) {
    it(`blocks ${name}`, () => {
      const root = render(input);
      // Any of these would let a prompt-injected answer phone home when it renders.
      expect(remoteLoads(root)).toEqual([]);
    });
  }

  it("keeps no style attribute on model HTML, however harmless it looks", () => {
    const root = render('<span style="color:red">red</span> <b style="font-weight:bold">b</b>');
    expect(root.querySelector("[style]")).toBeNull();
    // The text itself stays.
    expect(root.textContent).toContain("red");
  });

  it("turns remote images into placeholders that name the host, in markdown and HTML alike", () => {
    const root = render(`![one](${BEACON}) <img src="https://img.example/two.png" alt="two">`);
    const buttons = [...root.querySelectorAll<HTMLButtonElement>("button.md-remote-image")];
    expect(buttons.map((b) => b.textContent)).toEqual([
      "Load image from 127.0.0.1:9",
      "Load image from img.example",
    ]);
    expect(buttons.map((b) => b.dataset.src)).toEqual([BEACON, "https://img.example/two.png"]);
    expect(root.querySelector("img")).toBeNull();
  });

  it("keeps KaTeX's layout styles but nothing that could load", () => {
    const root = render("$$\\frac{a}{b}\\color{red}{x}\\rule{1em}{2em}$$");
    // Without its heights and offsets a fraction collapses into one line.
    expect(root.querySelectorAll(".katex [style]").length).toBeGreaterThan(0);
    expect(remoteLoads(root)).toEqual([]);
  });

  it("does not let model HTML dressed as KaTeX keep a style", () => {
    const root = render(
      `<span class="katex"><span style="background:url(${BEACON})">k</span></span> $x$`,
    );
    expect(root.querySelector('[style*="url"]')).toBeNull();
    expect(remoteLoads(root)).toEqual([]);
  });

  it("does not let the model forge a formula placeholder", () => {
    const root = render("a \uE0000\uE001 b $y$");
    // The model's private-use marks are dropped; only the real formula renders.
    expect(root.querySelectorAll(".katex").length).toBe(1);
    expect(root.textContent).not.toMatch(/[\uE000\uE001]/);
  });

  it("re-parses math styles to plain lengths, colours and keywords", () => {
    expect(cleanMathStyle("height:1.2em;vertical-align:-0.25em;color:#f00")).toBe(
      "height:1.2em;vertical-align:-0.25em;color:#f00",
    );
    // Every way of writing a URL or an escape is refused, and unknown properties are dropped.
    expect(cleanMathStyle(`background:url(${BEACON})`)).toBe("");
    expect(cleanMathStyle("color:\\72\\65\\64")).toBe("");
    expect(cleanMathStyle("position:fixed;top:0")).toBe("top:0");
    expect(cleanMathStyle("height:1em/**/;width:calc(1px)")).toBe("");
  });
});
