import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { mockBackend } from "../test/backend";
import SearchPalette from "./SearchPalette.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("SearchPalette", () => {
  it("marks matches with <mark> and never parses snippet HTML", async () => {
    mockBackend({
      search_messages: () => ({
        hits: [
          {
            messageId: "m1",
            conversationId: "c1",
            conversationTitle: "Chat",
            role: "assistant",
            snippet: "<img src=x onerror=alert(1)> about \u0002tauri\u0003 apps",
            createdAt: 0,
          },
        ],
        cut: false,
      }),
    });
    render(SearchPalette, { onClose: () => {} });
    await fireEvent.input(screen.getByTestId("search-input"), { target: { value: "tauri" } });
    const result = await screen.findByTestId("search-result");
    expect(result.querySelector("mark")?.textContent).toBe("tauri");
    // The angle brackets are text: no element was created from the snippet.
    expect(result.querySelector("img")).toBeNull();
    expect(result.textContent).toContain("<img src=x onerror=alert(1)>");
    // The hit says whose words these are.
    expect(screen.getByTestId("search-result-role").textContent).toBe("Answer");
  });

  it("says when a long query was cut to the words the backend searches", async () => {
    mockBackend({ search_messages: () => ({ hits: [], cut: true }) });
    render(SearchPalette, { onClose: () => {} });
    await fireEvent.input(screen.getByTestId("search-input"), {
      target: { value: "word ".repeat(20000) },
    });
    const notice = await screen.findByTestId("search-cut");
    expect(notice.textContent).toContain("Only the first words");
  });
});
