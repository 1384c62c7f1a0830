import { describe, expect, it } from "vitest";
import { findingFor, withholds } from "./capabilities";
import type { Finding } from "./ipc";

const day = 24 * 3600 * 1000;
const finding = (over: Partial<Finding>): Finding => ({
  feature: "reasoning_effort",
  model: "m1",
  verdict: "unsupported",
  evidence: "400: reasoning is not supported",
  status: 400,
  source: "request",
  learnedAt: 1_000 * day,
  ...over,
});

describe("findingFor", () => {
  const now = 1_001 * day;
  it("finds the model's own fresh finding, and nothing for another model", () => {
    const list = [finding({})];
    expect(findingFor(list, "reasoning_effort", "m1", now)?.verdict).toBe("unsupported");
    expect(findingFor(list, "reasoning_effort", "m2", now)).toBeNull();
  });
  it("does not decide by an untested or a stale finding", () => {
    expect(
      findingFor([finding({ verdict: "untested" })], "reasoning_effort", "m1", now),
    ).toBeNull();
    expect(findingFor([finding({})], "reasoning_effort", "m1", 1_040 * day)).toBeNull();
  });
  it("reads the model list for the whole provider", () => {
    const list = [finding({ feature: "model_list", model: "", verdict: "supported" })];
    expect(findingFor(list, "model_list", "any-model", now)?.verdict).toBe("supported");
  });
  it("withholds what was refused or ignored, nothing else", () => {
    expect(withholds("unsupported")).toBe(true);
    expect(withholds("ignored")).toBe(true);
    expect(withholds("supported")).toBe(false);
    expect(withholds("untested")).toBe(false);
  });
});
