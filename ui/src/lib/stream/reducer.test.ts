import { describe, expect, it } from "vitest";
import type { RunUpdate, ToolStep, TurnError } from "../ipc";
import { createFrameBatcher, type FrameScheduler } from "./frame-batcher";
import { initialStreamState, reduceAll, reduceStream } from "./reducer";

const usage = { inputTokens: 10, cachedTokens: 2, outputTokens: 5, reasoningTokens: 1 };

describe("stream reducer", () => {
  it("says a large PDF's upload until the answer starts", () => {
    let s = initialStreamState();
    s = reduceStream(s, { kind: "uploading", filename: "r.pdf", sentBytes: 5, totalBytes: 10 });
    expect(s.uploading).toEqual({ filename: "r.pdf", sentBytes: 5, totalBytes: 10 });
    s = reduceStream(s, { kind: "textDelta", text: "Hi" });
    expect(s.uploading).toBeNull();
    expect(s.text).toBe("Hi");
  });

  it("concatenates text and reasoning deltas in order", () => {
    const s = reduceAll(initialStreamState(), [
      { kind: "reasoningDelta", text: "think " },
      { kind: "textDelta", text: "Hel" },
      { kind: "reasoningDelta", text: "more" },
      { kind: "textDelta", text: "lo" },
    ]);
    // Deltas are fragments of one text; order matters and nothing may be lost.
    expect(s.text).toBe("Hello");
    expect(s.reasoning).toBe("think more");
    expect(s.status).toBe("streaming");
  });

  it("lists each cited url once, keeping the first title", () => {
    const s = reduceAll(initialStreamState(), [
      { kind: "citation", citation: { url: "https://a.example/", title: "A" } },
      { kind: "citation", citation: { url: "https://b.example/", title: null } },
      { kind: "citation", citation: { url: "https://a.example/", title: "A again" } },
    ]);
    // The API cites the same page per sentence; the source list must not repeat it.
    expect(s.citations).toEqual([
      { url: "https://a.example/", title: "A" },
      { url: "https://b.example/", title: null },
    ]);
  });

  it("keeps each MCP tool step in its latest state, in call order", () => {
    const step = (callId: string, status: ToolStep["status"]): ToolStep => ({
      callId,
      round: 0,
      serverId: "s",
      serverName: "files",
      tool: "read",
      arguments: "{}",
      status,
      destructive: false,
      result: null,
      error: null,
      output: null,
      ms: null,
    });
    const s = reduceAll(initialStreamState(), [
      { kind: "toolStep", step: step("a", "awaiting_approval") },
      { kind: "toolStep", step: step("b", "running") },
      { kind: "toolStep", step: step("a", "done") },
    ]);
    // A step is replaced by its call id, never listed twice, and keeps its place.
    expect(s.toolSteps.map((x) => [x.callId, x.status])).toEqual([
      ["a", "done"],
      ["b", "running"],
    ]);
  });

  it("keeps hosted-tool cards, the latest partial image per item, kept files and each cited file once", () => {
    const updates: RunUpdate[] = [
      { kind: "partialImage", itemId: "ig_1", imageB64: "AAA" },
      { kind: "partialImage", itemId: "ig_1", imageB64: "BBB" },
      {
        kind: "toolOutput",
        output: { kind: "imageGeneration", itemId: "ig_1", revisedPrompt: "a cat", failed: false },
      },
      {
        kind: "fileCitation",
        citation: { fileId: "file_1", filename: "report.pdf", quote: "Section 3" },
      },
      {
        kind: "fileCitation",
        citation: { fileId: "file_1", filename: "report.pdf", quote: "again" },
      },
      {
        kind: "file",
        file: {
          id: "f1",
          kind: "image",
          name: "image-1.png",
          mime: "image/png",
          size: 3,
          itemId: "ig_1",
          missing: null,
        },
      },
    ];
    const state = reduceAll(initialStreamState(), updates);
    expect(state.partialImages).toEqual({ ig_1: "BBB" });
    expect(state.toolOutputs.map((o) => o.kind)).toEqual(["imageGeneration"]);
    expect(state.fileCitations).toEqual([
      { fileId: "file_1", filename: "report.pdf", quote: "Section 3" },
    ]);
    expect(state.files.map((f) => f.name)).toEqual(["image-1.png"]);
  });

  it("keeps the latest status per tool type", () => {
    const s = reduceAll(initialStreamState(), [
      { kind: "tool", itemType: "web_search_call", status: "in_progress" },
      { kind: "tool", itemType: "file_search_call", status: "searching" },
      { kind: "tool", itemType: "web_search_call", status: "completed" },
    ]);
    // One row per tool: a status update replaces the old one in place.
    expect(s.tools).toEqual([
      { itemType: "web_search_call", status: "completed" },
      { itemType: "file_search_call", status: "searching" },
    ]);
  });

  it("shows a retry notice until content flows again", () => {
    let s = reduceStream(initialStreamState(), {
      kind: "retrying",
      attempt: 2,
      maxAttempts: 3,
      delayMs: 1000,
    });
    expect(s.retrying).toEqual({ attempt: 2, maxAttempts: 3, delayMs: 1000 });
    s = reduceStream(s, { kind: "textDelta", text: "x" });
    // Once text arrives the retry succeeded; a stale "Retrying" would mislead.
    expect(s.retrying).toBeNull();
  });

  it("says a background answer is being picked up until its text flows again", () => {
    const updates: RunUpdate[] = [
      { kind: "textDelta", text: "Hello" },
      { kind: "reconnecting", attempt: 2 },
    ];
    const waiting = reduceAll(initialStreamState(), updates);
    expect(waiting.reconnecting).toBe(2);
    expect(waiting.text).toBe("Hello");
    const back = reduceStream(waiting, { kind: "textDelta", text: " world" });
    expect(back.reconnecting).toBeNull();
    expect(back.text).toBe("Hello world");
  });

  it("starts a picked-up answer from what it already had, then adds to it", () => {
    const state = reduceAll(initialStreamState(), [
      { kind: "textDelta", text: "stale" },
      { kind: "resumed", text: "Kept so far", reasoning: "**Plan**" },
      { kind: "textDelta", text: ", and more" },
    ]);
    expect(state.text).toBe("Kept so far, and more");
    expect(state.reasoning).toBe("**Plan**");
  });

  it("records usage, final status and error, then ignores late updates", () => {
    const error: TurnError = {
      code: "http_status",
      message: "Rate limited",
      status: 429,
      apiCode: "rate",
    };
    let s = reduceAll(initialStreamState(), [
      { kind: "textDelta", text: "partial" },
      { kind: "usage", usage },
      { kind: "finished", status: "error", error, responseId: "resp_1" },
    ]);
    expect(s).toMatchObject({ status: "error", error, usage, responseId: "resp_1" });
    const after = reduceStream(s, { kind: "textDelta", text: "late" });
    // A finished message is final; a stray delta must not change it.
    expect(after).toBe(s);
    s = after;
    expect(s.text).toBe("partial");
  });

  it("keeps each note, in order, for the answer to show", () => {
    const state = reduceAll(initialStreamState(), [
      { kind: "note", note: { kind: "withheld", feature: "web_search" } },
      {
        kind: "note",
        note: { kind: "refused", feature: "reasoning_effort", message: "not supported" },
      },
      { kind: "textDelta", text: "hi" },
    ]);
    expect(state.notes.map((n) => n.kind)).toEqual(["withheld", "refused"]);
    expect(state.text).toBe("hi");
  });

  it("never mutates the previous state", () => {
    const start = initialStreamState();
    const frozen = JSON.stringify(start);
    reduceStream(start, { kind: "textDelta", text: "a" });
    reduceStream(start, { kind: "citation", citation: { url: "u", title: null } });
    // Svelte sees changes by reference; mutation would skip re-renders.
    expect(JSON.stringify(start)).toBe(frozen);
  });
});

describe("frame batcher", () => {
  function manualScheduler() {
    const callbacks = new Map<number, () => void>();
    let next = 1;
    const scheduler: FrameScheduler = {
      request: (cb) => {
        callbacks.set(next, cb);
        return next++;
      },
      cancel: (h) => void callbacks.delete(h),
    };
    const frame = () => {
      const cbs = [...callbacks.values()];
      callbacks.clear();
      cbs.forEach((cb) => cb());
    };
    return { scheduler, frame, pendingFrames: () => callbacks.size };
  }

  it("delivers many deltas as one batch per frame", () => {
    const { scheduler, frame, pendingFrames } = manualScheduler();
    const batches: RunUpdate[][] = [];
    const push = createFrameBatcher((b) => batches.push(b), scheduler);
    for (let i = 0; i < 50; i++) push({ kind: "textDelta", text: String(i) });
    // 50 deltas within a frame must cost one render, not 50.
    expect(batches).toHaveLength(0);
    expect(pendingFrames()).toBe(1);
    frame();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(50);
  });

  it("flushes immediately on finished without waiting for a frame", () => {
    const { scheduler, pendingFrames } = manualScheduler();
    const batches: RunUpdate[][] = [];
    const push = createFrameBatcher((b) => batches.push(b), scheduler);
    push({ kind: "textDelta", text: "a" });
    push({ kind: "finished", status: "complete", error: null, responseId: null });
    // A hidden window may never paint; the final state must not depend on it.
    expect(batches.map((b) => b.map((u) => u.kind))).toEqual([["textDelta", "finished"]]);
    expect(pendingFrames()).toBe(0);
  });
});
