import { beforeEach, describe, expect, it } from "vitest";
import { fencedCode, openingFence, stripClosingFence } from "./blocks";
import { closeIncomplete } from "./incomplete";
import { partsHtml, partsToElement } from "./testing/parts";
import { clearBlockCache, MessageRenderer, renderStats } from "./renderer";
import { safeLinkUrl } from "./sanitize";

const labels = () => ({ copy: "Copy", loadImage: (host: string) => `Load image from ${host}` });

function render(markdown: string, streaming = false): HTMLElement {
  return partsToElement(new MessageRenderer(labels).render(markdown, streaming));
}

/** Everything that could run code or fetch something, collected from the rendered DOM. */
function dangers(root: HTMLElement): string[] {
  const found: string[] = [];
  for (const el of root.querySelectorAll("*")) {
    if (
      ["script", "style", "iframe", "object", "embed", "form", "use", "image"].includes(
        el.localName,
      )
    )
      found.push(`tag ${el.localName}`);
    for (const attr of el.attributes) {
      if (attr.name.startsWith("on")) found.push(`handler ${attr.name}`);
      if (["src", "srcset", "xlink:href", "poster", "background"].includes(attr.name)) {
        if (!(el.localName === "img" && attr.value.startsWith("data:image/png")))
          found.push(`load ${el.localName}[${attr.name}=${attr.value}]`);
      }
      if (attr.name === "href" && !/^(https?:|mailto:)/.test(attr.value))
        found.push(`href ${attr.value}`);
      if (attr.name === "style" && /url\(/i.test(attr.value)) found.push(`style ${attr.value}`);
    }
  }
  return found;
}

beforeEach(() => clearBlockCache());

describe("markdown sanitizing", () => {
  const hostile: Record<string, string> = {
    "script tag": "hi <script>alert(1)</script>",
    "img onerror": '<img src=x onerror="alert(1)">',
    "javascript link": "[click](javascript:alert(1))",
    "raw javascript anchor": '<a href="javascript:alert(1)">x</a>',
    "svg script": "<svg><script>alert(1)</script><circle r=1 /></svg>",
    "svg use": '<svg><use href="https://evil.example/s.svg#x"/></svg>',
    "data html link": '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    "markdown image beacon": "![x](https://evil.example/track.png)",
    "html image beacon":
      '<img src="https://evil.example/t.gif" srcset="https://evil.example/2x.gif 2x">',
    "entity-encoded javascript": '<a href="&#106;avascript:alert(1)">x</a>',
    iframe: '<iframe src="https://evil.example"></iframe>',
    "style tag": "<style>body{background:url(https://evil.example/x)}</style>",
    "style attribute beacon": '<span style="background:url(https://evil.example/x)">x</span>',
    form: '<form action="https://evil.example"><button>go</button></form>',
    "object embed":
      '<object data="https://evil.example/x"></object><embed src="https://evil.example/y">',
    "math with handler": "$x$ <math><mi onclick=alert(1)>x</mi></math>",
    "video poster": '<video poster="https://evil.example/p.png"></video>',
  };

  for (const [name, input] of Object.entries(hostile)) {
    it(`neutralizes ${name}`, () => {
      const root = render(input);
      // None of these may survive: each would run code or phone home.
      expect(dangers(root)).toEqual([]);
    });
  }

  it("turns a remote image into a load-on-click placeholder naming the host", () => {
    const button = render("![chart](https://img.example/c.png)").querySelector(
      "button.md-remote-image",
    ) as HTMLButtonElement | null;
    // The user decides whether a third party learns they read this answer.
    expect(button?.textContent).toBe("Load image from img.example");
    expect(button?.dataset.src).toBe("https://img.example/c.png");
  });

  it("shows inline data: images directly", () => {
    const png = "data:image/png;base64,iVBORw0KGgo=";
    // Nothing leaves the machine for a data URL, so no placeholder is needed.
    expect(render(`![dot](${png})`).querySelector("img")?.getAttribute("src")).toBe(png);
  });

  it("keeps safe links with rel=noopener noreferrer and the real URL as title", () => {
    const a = render("[docs](https://example.com/a)").querySelector("a");
    expect(a?.getAttribute("href")).toBe("https://example.com/a");
    expect(a?.getAttribute("rel")).toBe("noopener noreferrer");
    // No target: opening goes through the click handler to the system browser.
    expect(a?.hasAttribute("target")).toBe(false);
  });

  it("strips bidi override characters from text and never keeps them raw in a link", () => {
    const root = render("[https://bank.example\u202Egnp.exe](https://evil.example/\u202Eexe.pdf)");
    // A right-to-left override makes text read differently from what it is.
    expect(root.textContent).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    // marked percent-encodes the URL; the title then shows the real, visibly odd destination.
    expect(root.querySelector("a")?.getAttribute("title")).toBe(
      "https://evil.example/%E2%80%AEexe.pdf",
    );
    // A raw override in raw HTML is refused outright.
    expect(safeLinkUrl("https://evil.example/\u202Eexe.pdf")).toBeNull();
  });

  it("keeps entities as text instead of decoding them into markup", () => {
    const root = render("5 &lt;script&gt; &amp; <b>bold</b>");
    expect(root.querySelector("script")).toBeNull();
    // The escaped tag must remain readable text.
    expect(root.textContent).toContain("<script>");
  });

  it("labels code blocks and highlights known languages", () => {
    const root = render("```python\ndef f():\n    return 1\n```");
    expect(root.querySelector(".code-lang")?.textContent).toBe("python");
    expect(root.querySelector("button.md-copy")?.textContent).toBe("Copy");
    // highlight.js wraps keywords in spans; their absence means no highlighting ran.
    expect(root.querySelector("code .hljs-keyword")?.textContent).toBe("def");
  });

  it("renders math with KaTeX and keeps its markup", () => {
    const root = render("Euler: $e^{i\\pi}+1=0$\n\n$$\\int_0^1 x\\,dx$$");
    // KaTeX's classes carry the layout; stripping them would garble formulas.
    expect(root.querySelectorAll(".katex").length).toBe(2);
    expect(root.querySelector(".katex-display")).not.toBeNull();
    expect(dangers(root)).toEqual([]);
  });

  it("does not mistake prices for math", () => {
    // "$5 and $10" is money; turning it into italics math would mangle the answer.
    expect(render("It costs $5 and $10.").querySelector(".katex")).toBeNull();
  });

  it("does not let model HTML fake the app's own buttons", () => {
    const root = render(
      '<button class="md-remote-image" data-src="https://evil.example/x">ok</button>',
    );
    // Only the sanitizer creates control buttons; input buttons are removed.
    expect(root.querySelector("button")).toBeNull();
  });
});

describe("unfinished syntax while streaming", () => {
  it.each([
    ["```js\nconst a = 1", "```js\nconst a = 1\n```"],
    ["some **bold", "some **bold**"],
    ["use `npm i", "use `npm i`"],
    ["see [docs](https://exa", "see [docs](https://exa)"],
    ["**bold `code", "**bold `code`**"],
    ["$$\\frac{1}{2", "$$\\frac{1}{2$$"],
    ["plain text", "plain text"],
  ])("closes %j", (input, expected) => {
    // The open tail must render as it will once finished, not as raw markers.
    expect(closeIncomplete(input)).toBe(expected);
  });

  it("renders an open bold tail as bold while streaming", () => {
    expect(render("Hello **wor", true).querySelector("strong")?.textContent).toBe("wor");
  });

  it("renders an open code fence as a code block while streaming", () => {
    expect(render("```rust\nfn main() {", true).querySelector("pre code")).not.toBeNull();
  });
});

describe("per-block memoization", () => {
  it("re-renders only the open block on each delta", () => {
    const renderer = new MessageRenderer(labels);
    const finished = "# Title\n\nFirst paragraph.\n\n- a\n- b\n\n```js\nx()\n```\n\n";
    renderer.render(finished + "Tail", true);
    const before = renderStats.blocks;
    for (const more of [" grows", " and grows", " more"]) {
      renderer.render(finished + "Tail" + more, true);
    }
    // 4 finished blocks are cached; each of the 3 deltas renders just the tail.
    expect(renderStats.blocks - before).toBe(3);
  });

  it("produces the same HTML incrementally as from scratch", () => {
    const text =
      "Intro\n\n1. one\n2. two\n\n> quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nEnd **x**";
    const renderer = new MessageRenderer(labels);
    for (let i = 1; i <= text.length; i += 7) renderer.render(text.slice(0, i), true);
    // The incremental split must never drift from a fresh parse of the final text.
    expect(partsHtml(renderer.render(text, false))).toBe(
      partsHtml(new MessageRenderer(labels).render(text, false)),
    );
  });

  it("reuses cached blocks across messages showing the same source", () => {
    new MessageRenderer(labels).render("Same\n\nBlocks", false);
    const before = renderStats.blocks;
    new MessageRenderer(labels).render("Same\n\nBlocks", false);
    // A message scrolled back into view must not be parsed again.
    expect(renderStats.blocks).toBe(before);
  });
});

describe("a code block too large to parse", () => {
  const code = Array.from(
    { length: 3000 },
    (_, i) => `let line${i} = [${i}, "\`\`\` not a fence"];`,
  );
  const source = "Intro\n\n~~~~rust title\n" + code.join("\n") + "\n~~~~\n\nAfter **that**.";

  it("is shown as code in pieces, without its fences, the first one with its language", () => {
    const parts = new MessageRenderer(labels).render(source, false);
    const pieces = parts.filter((part) => part.kind === "text");
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.every((part) => part.code)).toBe(true);
    expect(pieces[0]?.fence?.language).toBe("rust");
    expect(pieces.slice(1).some((part) => part.fence)).toBe(false);
    // What is shown is exactly the code: no fence line at either end.
    expect(pieces.map((part) => part.text).join("")).toBe(code.join("\n") + "\n");
    // The block after it is markdown again.
    expect(partsToElement(parts.slice(-1)).querySelector("strong")?.textContent).toBe("that");
  });

  it("gives its whole code to copy, read from the message", () => {
    const renderer = new MessageRenderer(labels);
    const parts = renderer.render(source, false);
    const first = parts.find((part) => part.kind === "text" && part.fence);
    const start = first?.kind === "text" ? first.fence?.start : undefined;
    expect(start).toBe("Intro\n\n".length);
    expect(renderer.codeAt(start ?? -1)).toBe(code.join("\n"));
  });

  it("copies what has arrived of a block still streaming", () => {
    const renderer = new MessageRenderer(labels);
    const partial = "```js\n" + code.slice(0, 2000).join("\n") + "\n";
    const parts = renderer.render(partial, true);
    expect(parts.every((part) => part.kind === "text" && part.code)).toBe(true);
    expect(renderer.codeAt(0)).toBe(code.slice(0, 2000).join("\n"));
  });

  it("shows an open block past the live limit as code while it streams", () => {
    const parts = new MessageRenderer(labels).render(
      "```js\n" + code.slice(0, 400).join("\n"),
      true,
    );
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((part) => part.kind === "text" && part.code)).toBe(true);
  });
});

describe("fenced code helpers", () => {
  it("reads an opening fence's marker and language", () => {
    expect(openingFence("```js title=x\ncode")).toEqual({
      length: 14,
      marker: "```",
      language: "js",
    });
    expect(openingFence("   ~~~\n")).toEqual({ length: 7, marker: "~~~", language: "" });
    expect(openingFence("    ```js\n")).toBeNull(); // indented code, not a fence
    expect(openingFence("text\n")).toBeNull();
  });

  it("takes the code up to a closing fence of the same kind and length or more", () => {
    const text = "````md\n```\ninner\n```\n~~~~\n`````  \nafter";
    expect(fencedCode(text, 0)).toBe("```\ninner\n```\n~~~~");
    expect(fencedCode("```\nno end\n", 0)).toBe("no end");
    expect(fencedCode("x\n```py\nprint()\n```\n", 2)).toBe("print()");
    // A fence with an info string does not close a block.
    expect(fencedCode("```\na\n```js\nb\n```", 0)).toBe("a\n```js\nb");
  });

  it("strips a closing fence and the blank lines after it", () => {
    expect(stripClosingFence("a\nb\n```\n\n\n")).toBe("a\nb\n");
    expect(stripClosingFence("a\nb\n")).toBe("a\nb\n");
    expect(stripClosingFence("a\n```js\n")).toBe("a\n```js\n");
  });
});

describe("rendering only the wanted parts", () => {
  const text = Array.from({ length: 400 }, (_, i) => `Paragraph **${i}**.`).join("\n\n");
  const limits = { deadline: Infinity, maxChars: Infinity };

  it("renders the parts asked for and leaves the others as their source", () => {
    clearBlockCache();
    const renderer = new MessageRenderer(labels);
    renderer.update(text, false);
    const before = renderStats.blocks;
    const { parts, pending } = renderer.work(limits, [10, 12]);
    expect(pending).toBe(false);
    expect(parts.length).toBeGreaterThan(20);
    expect(parts.map((part, i) => (part.kind === "html" ? i : -1)).filter((i) => i >= 0)).toEqual([
      10, 11,
    ]);
    expect(renderStats.blocks - before).toBe(2);
    // A source part is the text it stands for: nothing is lost before it is rendered.
    expect(parts.map((part) => (part.kind === "source" ? part.source : "")).join("")).toContain(
      "Paragraph **0**.",
    );
  });

  it("renders a part once it is wanted, and keeps it rendered", () => {
    clearBlockCache();
    const renderer = new MessageRenderer(labels);
    renderer.update(text, false);
    renderer.work(limits, [0, 1]);
    const later = renderer.work(limits, [5, 6]).parts;
    expect(later[0]?.kind).toBe("html");
    expect(later[5]?.kind).toBe("html");
    expect(later[3]?.kind).toBe("source");
  });

  it("stops rendering wanted parts at the limit and says more is pending", () => {
    clearBlockCache();
    const renderer = new MessageRenderer(labels);
    renderer.update(text, false);
    renderer.work(limits, [0, 0]); // split only
    // One part at least per call, then the character limit stops it.
    const first = renderer.work({ deadline: Infinity, maxChars: 1 }, [0, 30]);
    expect(first.pending).toBe(true);
    expect(first.parts.filter((part) => part.kind === "html")).toHaveLength(1);
    let calls = 1;
    for (let more = true; more; calls++) {
      more = renderer.work({ deadline: Infinity, maxChars: 1 }, [0, 30]).pending;
    }
    // One call per part.
    expect(calls).toBe(first.parts.length);
  });
});
