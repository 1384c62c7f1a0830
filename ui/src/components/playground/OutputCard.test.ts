import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { cardFromItem } from "../../lib/playground/output";
import OutputCard from "./OutputCard.svelte";

afterEach(cleanup);

const message = cardFromItem(
  {
    type: "message",
    role: "assistant",
    status: "completed",
    content: [
      {
        type: "output_text",
        text: "**Bold** move",
        annotations: [],
        logprobs: [
          { token: "**Bold**", logprob: -0.1, bytes: [], top_logprobs: [] },
          { token: " move", logprob: -2.3, bytes: [], top_logprobs: [] },
        ],
      },
    ],
  },
  0,
);

describe("OutputCard", () => {
  it("shows token probabilities first and the rendered text on request", async () => {
    expect(message.logprobs.length, "the fixture carries logprobs").toBe(2);
    render(OutputCard, { card: message, streaming: false });
    // Asking for logprobs is asking to see them: the heat map comes first.
    expect(screen.getByTestId("pg-logprobs")).toBeTruthy();
    expect(screen.getByTestId("pg-view-probabilities").getAttribute("aria-pressed")).toBe("true");

    await fireEvent.click(screen.getByTestId("pg-view-text"));
    // The Markdown view renders the same text as formatted output again.
    expect(screen.queryByTestId("pg-logprobs")).toBeNull();
    expect(document.querySelector("strong")?.textContent).toBe("Bold");
    expect(screen.getByTestId("pg-view-text").getAttribute("aria-pressed")).toBe("true");

    await fireEvent.click(screen.getByTestId("pg-view-probabilities"));
    expect(screen.getByTestId("pg-logprobs"), "and back to the heat map").toBeTruthy();
  });

  it("offers no switch while streaming or without logprobs", () => {
    render(OutputCard, { card: message, streaming: true });
    expect(screen.queryByTestId("pg-view-text"), "streaming text is Markdown only").toBeNull();
    cleanup();
    render(OutputCard, { card: { ...message, logprobs: [] }, streaming: false });
    expect(screen.queryByTestId("pg-view-text"), "nothing to switch to").toBeNull();
  });
});
