// Run with: npx vitest bench --run
// Streaming cost per delta through the block renderer (the 10th vs the
// 1,000th delta should cost about the same), and the first render of a
// 10,000-message conversation through the virtual list.
import { bench, describe } from "vitest";
import { render, cleanup } from "@testing-library/svelte";
import { MessageRenderer, clearBlockCache } from "../src/lib/markdown/renderer";
import MessageList from "../src/components/MessageList.svelte";
import type { ConversationView, MessageView } from "../src/lib/ipc";

const labels = () => ({ copy: "Copy", loadImage: (h: string) => `Load image from ${h}` });
const chunk = [
  "Some **bold** text and `code` in a sentence that keeps going. ",
  "More words with a [link](https://example.com). ",
  "\n\n",
  "- item one\n- item two\n\n",
  "```js\nconst x = 1;\n```\n\n",
];

function deltas(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(chunk[i % chunk.length]!);
  return out;
}

/** A renderer that has already applied `n - 1` deltas; returns the text for the nth. */
function primed(n: number): { renderer: MessageRenderer; before: string; delta: string } {
  clearBlockCache();
  const renderer = new MessageRenderer(labels);
  const parts = deltas(n);
  let text = "";
  for (const d of parts.slice(0, -1)) {
    text += d;
    renderer.render(text, true);
  }
  return { renderer, before: text, delta: parts[parts.length - 1]! };
}

describe("streaming delta cost", () => {
  const at10 = primed(10);
  const at1000 = primed(1000);
  bench("apply the 10th delta", () => {
    at10.renderer.render(at10.before + at10.delta, true);
  });
  bench("apply the 1,000th delta", () => {
    at1000.renderer.render(at1000.before + at1000.delta, true);
  });
});

function bigConversation(n: number): ConversationView {
  const messages: MessageView[] = [];
  for (let i = 0; i < n; i++) {
    messages.push({
      id: `m${i}`,
      parentId: i === 0 ? null : `m${i - 1}`,
      role: i % 2 ? "assistant" : "user",
      status: "complete",
      text: `Message ${i} with **markdown** and \`code\`.`,
      reasoning: "",
      citations: [],
      attachments: [],
      model: null,
      usage: null,
      error: null,
      createdAt: i,
      children: i === n - 1 ? [] : [`m${i + 1}`],
    });
  }
  return {
    id: "big",
    title: "big",
    pinned: false,
    messages,
    currentLeafId: `m${n - 1}`,
    usage: { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 },
  };
}

describe("open a long conversation", () => {
  const conversation = bigConversation(10_000);
  bench(
    "first render of 10,000 messages (virtual list)",
    () => {
      render(MessageList, { conversation });
      cleanup();
    },
    { iterations: 20 },
  );
});
