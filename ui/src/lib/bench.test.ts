import { afterEach, describe, expect, it, vi } from "vitest";
import { clearMocks } from "@tauri-apps/api/mocks";
import { mockBackend } from "../test/backend";

// bench.ts reads the page flag once, when it is imported: each test imports a fresh copy.
async function freshBench(flag: boolean) {
  vi.resetModules();
  if (flag) window.__HALLEY_BENCH__ = true;
  else delete window.__HALLEY_BENCH__;
  return import("./bench");
}

const nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));

describe("bench hooks", () => {
  afterEach(() => {
    delete window.__HALLEY_BENCH__;
    clearMocks();
  });

  it("make no call at all when the backend did not turn them on", async () => {
    const backend = mockBackend({});
    const bench = await freshBench(false);
    expect(bench.benchActive).toBe(false);
    bench.markAfterPaint("first-paint");
    bench.deltaEcho()([{ kind: "textDelta", text: "a" }]);
    await nextFrame();
    await nextFrame();
    expect(backend.calls).toEqual([]);
  });

  it("report marks after a frame and echo the running count of text deltas", async () => {
    const backend = mockBackend({ bench_mark: () => null, bench_echo: () => null });
    const bench = await freshBench(true);
    bench.markAfterPaint("composer-ready");
    const echo = bench.deltaEcho();
    echo([
      { kind: "textDelta", text: "a" },
      { kind: "reasoningDelta", text: "r" },
      { kind: "textDelta", text: "b" },
    ]);
    echo([{ kind: "textDelta", text: "c" }]);
    await nextFrame();
    await nextFrame();
    expect(backend.calls).toContainEqual({ cmd: "bench_mark", args: { mark: "composer-ready" } });
    const echoes = backend.calls.filter((c) => c.cmd === "bench_echo").map((c) => c.args.deltas);
    expect(echoes).toEqual([2, 3]);
  });
});
