import { describe, expect, it } from "vitest";
import { heatLevel, percent, tokenProbabilities, tokenTitle } from "./logprobs";
import { cardsFromResponse } from "./output";

describe("logprobs", () => {
  it("maps logprobs to probabilities and sorts the alternatives", () => {
    const tokens = tokenProbabilities([
      {
        token: "Hi",
        logprob: 0,
        bytes: [72, 105],
        top_logprobs: [
          { token: "Yo", logprob: -3 },
          { token: "Hi", logprob: 0 },
        ],
      },
      { token: "!", logprob: Math.log(0.25), bytes: [33], top_logprobs: [] },
      { logprob: -1 },
      "junk",
    ]);
    // Malformed entries are skipped rather than breaking the whole heat map.
    expect(tokens.map((t) => t.token)).toEqual(["Hi", "!"]);
    expect(tokens[0]?.probability).toBe(1);
    expect(tokens[1]?.probability).toBeCloseTo(0.25, 6);
    // Most likely alternative first, whatever order the API used.
    expect(tokens[0]?.alternatives.map((a) => a.token)).toEqual(["Hi", "Yo"]);
    expect(tokens[0]?.alternatives[1]?.probability).toBeCloseTo(Math.exp(-3), 6);
  });

  it("buckets probabilities into heat levels at the edges", () => {
    // Boundaries belong to the higher level.
    expect([1, 0.9, 0.89, 0.7, 0.45, 0.2, 0.19, 0].map(heatLevel)).toEqual([
      4, 4, 3, 3, 2, 1, 0, 0,
    ]);
    expect(percent(1)).toBe("100%");
    expect(percent(0.256)).toBe("25.6%");
  });

  it("names the token, its probability and each alternative on hover", () => {
    const [token] = tokenProbabilities([
      {
        token: " cat",
        logprob: Math.log(0.5),
        top_logprobs: [{ token: " dog", logprob: Math.log(0.3) }],
      },
    ]);
    const title = token ? tokenTitle(token) : "";
    expect(title.split("\n")).toEqual(['" cat" 50.0% (logprob -0.693)', '  " dog" 30.0%']);
  });

  it("cards carry the logprobs of their output_text parts", () => {
    const [card] = cardsFromResponse({
      output: [
        {
          type: "message",
          content: [
            { type: "output_text", text: "ab", logprobs: [{ token: "a", logprob: -0.1 }] },
            { type: "output_text", text: "c", logprobs: [{ token: "c", logprob: -2 }] },
          ],
        },
      ],
    });
    // Parts are concatenated like the text is.
    expect(card?.logprobs.map((t) => t.token)).toEqual(["a", "c"]);
  });
});
