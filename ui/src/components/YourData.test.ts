import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { mockBackend } from "../test/backend";
import { setLanguage } from "../lib/i18n/index.svelte";
import { yourData } from "../lib/state/your-data.svelte";
import YourData from "./YourData.svelte";

const backup = {
  name: "halley-auto-20261202-101500-123-ab12.sqlite3",
  modifiedAt: Date.UTC(2026, 11, 2, 10, 15),
  bytes: 123456,
};
const added = {
  conversations: 2,
  messages: 9,
  attachments: 0,
  messageFiles: 0,
  knowledgeFiles: 0,
  presets: 0,
  providers: 0,
  assistants: 0,
};

afterEach(() => {
  cleanup();
  clearMocks();
  setLanguage("en");
  Object.assign(yourData, { backups: [], busy: null, status: null, error: null, pending: null });
});

function backend(extra: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  return mockBackend({
    data_list_backups: () => [backup],
    get_settings: () => ({ settings: {}, damaged: [] }),
    keyring_status: () => ({ available: true, sessionOnly: false, message: null }),
    list_providers: () => [],
    list_conversations: () => [],
    mcp_list_servers: () => ({ servers: [], damaged: false }),
    mcp_watch_servers: () => null,
    provider_capabilities: () => [],
    ...extra,
  });
}

describe("Your data", () => {
  it("restores only after the user picks a mode and confirms", async () => {
    const fake = backend({
      data_restore: () => ({ mode: "merge", manifest: null, added, keptBefore: null }),
    });
    render(YourData);
    const item = await screen.findByTestId("data-backup-item");
    await fireEvent.click(item.querySelector("button")!);
    expect(fake.calls.some((c) => c.cmd === "data_restore")).toBe(false);
    const confirm = screen.getByTestId("data-restore-confirm");
    expect(confirm.textContent).toContain(`Restore “${backup.name}”?`);
    // Merge is what is offered first: it cannot lose anything.
    expect(screen.getByTestId("data-restore-go").textContent).toContain("Merge");
    await fireEvent.click(screen.getByTestId("data-mode-replace"));
    await fireEvent.click(screen.getByTestId("data-restore-go"));
    await waitFor(() =>
      expect(screen.getByTestId("data-status").textContent).toContain("Restored."),
    );
    const call = fake.calls.find((c) => c.cmd === "data_restore")!;
    expect(call.args).toEqual({ source: { kind: "local", name: backup.name }, mode: "replace" });
    expect(screen.getByTestId("data-status").textContent).toContain(
      "conversations: 2, messages: 9",
    );
  });

  it("says a refused backup in the user's language, with the backend's words", async () => {
    setLanguage("vi");
    backend({
      data_restore: () => {
        throw { code: "backup_damaged", message: "the file was cut short" };
      },
    });
    render(YourData);
    const item = await screen.findByTestId("data-backup-item");
    await fireEvent.click(item.querySelector("button")!);
    await fireEvent.click(screen.getByTestId("data-restore-go"));
    const error = await screen.findByTestId("data-error");
    expect(error.dataset.code).toBe("backup_damaged");
    expect(error.textContent).toContain("bị cắt ngắn hoặc hỏng");
    expect(error.textContent).toContain("the file was cut short");
  });

  it("reports what an import brought in and what it left out", async () => {
    backend({
      data_import: () => ({
        source: "chatgpt",
        conversationsAdded: 5,
        conversationsAlreadyHere: 1,
        messagesAdded: 14,
        leftOut: [
          { what: { kind: "image" }, count: 2 },
          { what: { kind: "unknownContent", name: "future_widget" }, count: 1 },
        ],
        firstConversationId: null,
      }),
    });
    render(YourData);
    const input = screen.getByTestId("data-import-chatgpt") as HTMLInputElement;
    const file = new File(["[]"], "conversations.json", { type: "application/json" });
    Object.defineProperty(input, "files", { value: [file] });
    await fireEvent.change(input);
    const status = await screen.findByTestId("data-status");
    expect(status.textContent).toContain("Imported 5 conversations (14 messages).");
    expect(status.textContent).toContain("1 were already here");
    expect(status.textContent).toContain("images (2), content of the kind “future_widget” (1)");
  });
});
