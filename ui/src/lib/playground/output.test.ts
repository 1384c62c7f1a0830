import { describe, expect, it } from "vitest";
import { applyUpdate, cardsFromResponse, containerFiles, type OutputCard } from "./output";
import { figures, groupByOutput } from "./timeline";

describe("output cards", () => {
  it("fold streamed updates per output index, even interleaved", () => {
    const cards: OutputCard[] = [];
    applyUpdate(cards, {
      kind: "itemAdded",
      outputIndex: 1,
      itemType: "function_call",
      name: "a",
      callId: "c1",
    });
    applyUpdate(cards, {
      kind: "itemAdded",
      outputIndex: 0,
      itemType: "message",
      role: "assistant",
    });
    applyUpdate(cards, { kind: "argumentsDelta", outputIndex: 1, delta: '{"x"' });
    applyUpdate(cards, { kind: "textDelta", outputIndex: 0, contentIndex: 0, delta: "Hel" });
    applyUpdate(cards, { kind: "argumentsDelta", outputIndex: 1, delta: ":1}" });
    applyUpdate(cards, { kind: "textDelta", outputIndex: 0, contentIndex: 0, delta: "lo" });
    // Cards are ordered by output index, not by arrival.
    expect(cards.map((c) => [c.index, c.type])).toEqual([
      [0, "message"],
      [1, "function_call"],
    ]);
    expect(cards[0]?.text).toBe("Hello");
    expect(cards[1]?.arguments).toBe('{"x":1}');
    expect(cards[1]?.callId).toBe("c1");
  });

  it("read every item kind from a final response", () => {
    const cards = cardsFromResponse({
      output: [
        { type: "reasoning", summary: [{ type: "summary_text", text: "think" }] },
        {
          type: "message",
          role: "assistant",
          content: [
            {
              type: "output_text",
              text: "A",
              annotations: [{ type: "url_citation", url: "https://x" }],
            },
            { type: "refusal", refusal: "no" },
          ],
        },
        { type: "code_interpreter_call", code: "print(1)", outputs: [{ type: "logs", logs: "1" }] },
        { type: "mcp_call", server_label: "wiki", name: "ask", arguments: "{}", output: "answer" },
      ],
    });
    expect(cards.map((c) => c.type)).toEqual([
      "reasoning",
      "message",
      "code_interpreter_call",
      "mcp_call",
    ]);
    expect(cards[0]?.reasoning).toBe("think");
    expect([cards[1]?.text, cards[1]?.refusal, cards[1]?.annotations.length]).toEqual([
      "A",
      "no",
      1,
    ]);
    expect([cards[2]?.code, cards[2]?.logs]).toEqual(["print(1)", "1"]);
    expect([cards[3]?.serverLabel, cards[3]?.output]).toEqual(["wiki", "answer"]);
  });
});

describe("built-in tool cards", () => {
  it("a file_search call shows its queries and each result's file, score and text", () => {
    const [card] = cardsFromResponse({
      output: [
        {
          type: "file_search_call",
          status: "completed",
          queries: ["launch code"],
          results: [
            { file_id: "file-1", filename: "notes.txt", score: 0.93, text: "The code is 4471." },
            { file_id: "file-2", score: "high", text: "no name" },
          ],
        },
      ],
    });
    expect(card?.queries).toEqual(["launch code"]);
    expect(card?.results).toEqual([
      { fileId: "file-1", filename: "notes.txt", score: 0.93, text: "The code is 4471." },
      // No name: the id stands in; a score that is not a number is not shown.
      { fileId: "file-2", filename: "file-2", score: null, text: "no name" },
    ]);
    expect(card?.output).toBe("");
  });

  it("a code interpreter call keeps logs and images apart, not as `[image] url` text", () => {
    const [card] = cardsFromResponse({
      output: [
        {
          type: "code_interpreter_call",
          code: "plot()",
          container_id: "cntr_1",
          outputs: [
            { type: "logs", logs: "done" },
            { type: "image", url: "data:image/png;base64,iVBOR" },
          ],
        },
      ],
    });
    expect(card?.logs).toBe("done");
    expect(card?.codeImages).toEqual(["data:image/png;base64,iVBOR"]);
    expect(card?.containerId).toBe("cntr_1");
    expect(card?.output).not.toContain("[image]");
  });

  it("container file citations become one download chip per file", () => {
    const [card] = cardsFromResponse({
      output: [
        {
          type: "message",
          content: [
            {
              type: "output_text",
              text: "See data.csv",
              annotations: [
                {
                  type: "container_file_citation",
                  container_id: "cntr_1",
                  file_id: "cfile_data",
                  filename: "data.csv",
                },
                {
                  type: "container_file_citation",
                  container_id: "cntr_1",
                  file_id: "cfile_data",
                  filename: "data.csv",
                },
                { type: "container_file_citation", container_id: "", file_id: "cfile_x" },
                { type: "url_citation", url: "https://x" },
              ],
            },
          ],
        },
      ],
    });
    expect(containerFiles(card!)).toEqual([
      { containerId: "cntr_1", fileId: "cfile_data", filename: "data.csv" },
    ]);
  });

  it("an image generation call shows partial images while streaming, then the final one", () => {
    const cards: OutputCard[] = [];
    applyUpdate(cards, { kind: "itemAdded", outputIndex: 0, itemType: "image_generation_call" });
    applyUpdate(cards, { kind: "partialImage", outputIndex: 0, imageB64: "cGFydGlhbA==" });
    expect(cards[0]?.images).toEqual(["cGFydGlhbA=="]);
    applyUpdate(cards, {
      kind: "itemDone",
      outputIndex: 0,
      item: {
        type: "image_generation_call",
        status: "completed",
        result: "ZmluYWw=",
        output_format: "webp",
      },
    });
    expect(cards[0]?.images).toEqual(["ZmluYWw="]);
    expect(cards[0]?.imageFormat).toBe("webp");
  });
});

describe("timeline", () => {
  const events = [
    { ms: 10, event: { type: "response.created" } },
    { ms: 20, event: { type: "response.output_item.added", output_index: 0 } },
    { ms: 30, event: { type: "response.output_text.delta", output_index: 0 } },
    { ms: 40, event: { type: "response.output_item.added", output_index: 1 } },
    { ms: 50, event: { type: "response.completed" } },
  ];

  it("groups events per output item, response-level events apart", () => {
    expect(groupByOutput(events).map((g) => [g.outputIndex, g.events.length])).toEqual([
      [null, 2],
      [0, 2],
      [1, 1],
    ]);
  });

  it("measures first byte, first token and tokens per second", () => {
    const f = figures(events, 5, 1030, {
      usage: { input_tokens: 3, output_tokens: 100, total_tokens: 103 },
    });
    expect([f.firstByteMs, f.firstTokenMs, f.totalMs]).toEqual([5, 30, 1030]);
    // 100 tokens over the 1 s between the first delta and the end.
    expect(f.tokensPerSecond).toBeCloseTo(100);
    expect(figures([], null, null, null).tokensPerSecond).toBeNull();
  });
});
