import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { mockBackend } from "../test/backend";
import type { McpServerView } from "../lib/ipc";
import McpServers from "./McpServers.svelte";
import McpServerForm from "./McpServerForm.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
});

const failed: McpServerView = {
  config: {
    id: "s1",
    name: "files",
    enabled: true,
    transport: { kind: "stdio", command: "npx", args: ["srv"], env: [], cwd: null },
  },
  status: {
    id: "s1",
    name: "files",
    enabled: true,
    pid: null,
    state: "failed",
    kind: "start",
    message: "the server exited before it answered (exit status: 1)",
    stderrTail: "<img src=x onerror=alert(1)>",
  },
  storedSecrets: [],
};

describe("McpServers", () => {
  it("shows a failed server's message and stderr as text, never as HTML", async () => {
    mockBackend({
      mcp_list_servers: () => ({ servers: [failed], damaged: false }),
      mcp_watch_servers: () => null,
      mcp_tool_policies: () => [],
    });
    render(McpServers);
    const error = await screen.findByTestId("mcp-server-error");
    expect(error.textContent).toContain("exited before it answered");
    // The server's output is shown literally: no element was made from it.
    expect(error.querySelector("img")).toBeNull();
    expect(error.textContent).toContain("<img src=x onerror=alert(1)>");
    expect(screen.getByTestId("mcp-server-state").dataset.state).toBe("failed");
  });

  it("imports pasted JSON and lists what could not be read", async () => {
    const backend = mockBackend({
      mcp_list_servers: () => ({ servers: [], damaged: false }),
      mcp_watch_servers: () => null,
      mcp_tool_policies: () => [],
      mcp_import_servers: () => ({
        added: [{ ...failed, status: { ...failed.status, state: "stopped" } }],
        problems: [{ name: "old", message: "this server uses the older SSE transport" }],
      }),
    });
    render(McpServers);
    await fireEvent.input(screen.getByTestId("mcp-import-text"), {
      target: { value: '{"mcpServers": {}}' },
    });
    await fireEvent.click(screen.getByTestId("mcp-import-button"));
    await waitFor(() => expect(screen.getAllByTestId("mcp-import-note")).toHaveLength(2));
    const notes = screen.getAllByTestId("mcp-import-note").map((n) => n.textContent);
    expect(notes[1]).toContain("old: this server uses the older SSE transport");
    expect(screen.getAllByTestId("mcp-server")).toHaveLength(1);
    expect(backend.calls.find((c) => c.cmd === "mcp_import_servers")?.args.text).toBe(
      '{"mcpServers": {}}',
    );
  });
});

describe("McpServerForm", () => {
  it("sends a secret value apart from the config, which keeps it empty", async () => {
    const backend = mockBackend({
      mcp_save_server: (args) => ({ ...failed, config: args.server }),
    });
    render(McpServerForm, { existing: null, onDone: () => {} });
    await fireEvent.input(screen.getByTestId("mcp-form-name"), { target: { value: "gh" } });
    await fireEvent.input(screen.getByTestId("mcp-form-command"), {
      target: { value: "github-mcp" },
    });
    await fireEvent.click(screen.getByText("Add"));
    const row = screen.getByTestId("mcp-form-row");
    const [name, value] = Array.from(row.querySelectorAll("input"));
    await fireEvent.input(name!, { target: { value: "TOKEN" } });
    await fireEvent.click(row.querySelector("input[type=checkbox]")!);
    await fireEvent.input(value!, { target: { value: "ghp_canary" } });
    await fireEvent.click(screen.getByTestId("mcp-form-save"));
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === "mcp_save_server")).toBe(true));
    const args = backend.calls.find((c) => c.cmd === "mcp_save_server")!.args as {
      server: { transport: { env: { name: string; value: string; secret: boolean }[] } };
      secrets: { slot: unknown; value: string }[];
    };
    expect(args.server.transport.env).toEqual([{ name: "TOKEN", value: "", secret: true }]);
    expect(JSON.stringify(args.server)).not.toContain("ghp_canary");
    expect(args.secrets).toEqual([{ slot: { kind: "env", name: "TOKEN" }, value: "ghp_canary" }]);
  });
});
