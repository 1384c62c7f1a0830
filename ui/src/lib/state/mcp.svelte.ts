// The user's MCP servers as Settings shows them: configs, live states (from
// the backend's watch channel) and what each server lists. Secret values go
// to the backend once, into the keyring; views only say which are stored.
import {
  mcpIpc,
  type IpcError,
  type McpCatalog,
  type McpImportResult,
  type McpSecretInput,
  type McpServerConfig,
  type McpServerEvent,
  type McpServerView,
  type McpToolPolicy,
  type McpToolPolicyEntry,
} from "../ipc";
import { toIpcError } from "../ipc";

export const mcp = $state({
  servers: [] as McpServerView[],
  /** The stored list could not be read (it is kept aside on the next save). */
  damaged: false,
  /** What each server lists, or why it could not be listed, by server id. */
  catalogs: {} as Record<string, McpCatalog | IpcError>,
  loading: {} as Record<string, boolean>,
  /** Remembered "always allow" and "never" choices; every other tool asks. */
  policies: [] as McpToolPolicyEntry[],
});

let watching = false;

function applyEvent(event: McpServerEvent): void {
  const server = mcp.servers.find((s) => s.config.id === event.status.id);
  if (server) server.status = event.status;
  if (event.catalogChanged && event.status.id in mcp.catalogs) {
    void loadCatalog(event.status.id);
  }
}

/** Loads the list and starts following state changes (once per window). */
export async function loadMcpServers(): Promise<void> {
  const view = await mcpIpc.list();
  mcp.servers = view.servers;
  mcp.damaged = view.damaged;
  if (!watching) {
    watching = true;
    await mcpIpc.watch(applyEvent);
  }
}

function upsert(view: McpServerView): void {
  const at = mcp.servers.findIndex((s) => s.config.id === view.config.id);
  if (at >= 0) mcp.servers[at] = view;
  else mcp.servers.push(view);
}

export async function saveMcpServer(
  server: McpServerConfig,
  secrets: McpSecretInput[],
): Promise<McpServerView> {
  const view = await mcpIpc.save(server, secrets);
  upsert(view);
  // A changed config restarts the server: what it lists may differ.
  delete mcp.catalogs[view.config.id];
  return view;
}

export async function setMcpServerEnabled(id: string, enabled: boolean): Promise<void> {
  upsert(await mcpIpc.setEnabled(id, enabled));
  if (!enabled) delete mcp.catalogs[id];
}

export async function removeMcpServer(id: string): Promise<void> {
  await mcpIpc.remove(id);
  mcp.servers = mcp.servers.filter((s) => s.config.id !== id);
  mcp.policies = mcp.policies.filter((p) => p.serverId !== id);
  delete mcp.catalogs[id];
}

export async function importMcpServers(text: string): Promise<McpImportResult> {
  const result = await mcpIpc.importServers(text);
  for (const view of result.added) upsert(view);
  return result;
}

/** Starts the server if needed and lists its tools, resources and prompts. */
export async function loadCatalog(id: string, restart = false): Promise<void> {
  mcp.loading[id] = true;
  try {
    mcp.catalogs[id] = restart ? await mcpIpc.restart(id) : await mcpIpc.catalog(id);
  } catch (error) {
    mcp.catalogs[id] = toIpcError(error);
  } finally {
    mcp.loading[id] = false;
  }
}

export function stopMcpServer(id: string): Promise<null> {
  return mcpIpc.stop(id);
}

export function isCatalog(value: McpCatalog | IpcError | undefined): value is McpCatalog {
  return value !== undefined && "tools" in value;
}

export async function loadToolPolicies(): Promise<void> {
  mcp.policies = await mcpIpc.toolPolicies();
}

/** What happens when the model calls `tool` of `serverId` (`ask` forgets the choice). */
export async function setToolPolicy(
  serverId: string,
  tool: string,
  policy: McpToolPolicy,
): Promise<void> {
  mcp.policies = await mcpIpc.setToolPolicy(serverId, tool, policy);
}

export function policyOf(serverId: string, tool: string): McpToolPolicy {
  return mcp.policies.find((p) => p.serverId === serverId && p.tool === tool)?.policy ?? "ask";
}

/** A new stdio config with nothing filled in. */
export function emptyServer(): McpServerConfig {
  return {
    id: "",
    name: "",
    enabled: true,
    transport: { kind: "stdio", command: "", args: [], env: [], cwd: null },
  };
}
