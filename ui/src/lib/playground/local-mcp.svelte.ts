// The user's own MCP servers in the Playground: their tools sent as function
// tools (beside the hosted `mcp` tool, which the provider runs), each call
// the model makes run by Halley after the user approves it, and the
// inspector's calls by hand. Tool definitions come from the backend
// (namespaced names, schemas checked for strict mode).
import {
  mcpIpc,
  toIpcError,
  type McpCallOutcome,
  type McpCatalog,
  type McpOfferedTool,
} from "../ipc";

export interface LocalCallResult {
  outcome: McpCallOutcome | null;
  error: string | null;
  /** Sent back to the model as the call's output. */
  output: string;
  declined: boolean;
}

export const localMcp = $state({
  /** Servers whose tools the Playground's request carries. */
  chosen: [] as string[],
  tools: [] as McpOfferedTool[],
  /** Servers that could not start, with why. */
  failures: [] as { serverId: string; message: string }[],
  loading: false,
  /** Answers to the model's calls of local tools, by call id. */
  results: {} as Record<string, LocalCallResult>,
  running: {} as Record<string, boolean>,
});

/** The function tools the request carries for the chosen servers. */
export function localFunctionTools(): Record<string, unknown>[] {
  return localMcp.tools.map((t) => t.function);
}

export function localToolNamed(name: string): McpOfferedTool | undefined {
  return localMcp.tools.find((t) => t.name === name);
}

async function reload(): Promise<void> {
  localMcp.loading = true;
  try {
    if (localMcp.chosen.length === 0) {
      localMcp.tools = [];
      localMcp.failures = [];
    } else {
      const offered = await mcpIpc.offeredTools(localMcp.chosen);
      localMcp.tools = offered.tools;
      localMcp.failures = offered.failures;
    }
  } catch (error) {
    localMcp.tools = [];
    localMcp.failures = [{ serverId: "", message: toIpcError(error).message }];
  } finally {
    localMcp.loading = false;
  }
}

export async function chooseLocalServer(id: string, on: boolean): Promise<void> {
  const others = localMcp.chosen.filter((s) => s !== id);
  localMcp.chosen = on ? [...others, id] : others;
  await reload();
}

/** Exactly these servers (an assistant opened in the Playground brings its own). */
export async function chooseLocalServers(ids: readonly string[]): Promise<void> {
  localMcp.chosen = [...ids];
  await reload();
}

let calls = 0;
function callId(): string {
  calls += 1;
  return `pg-mcp-${Date.now().toString(36)}-${calls}`;
}

/** Runs the model's call `callId` of a local tool, or declines it. */
export async function answerLocalCall(
  modelCallId: string,
  tool: McpOfferedTool,
  args: string,
  approve: boolean,
): Promise<LocalCallResult> {
  if (!approve) {
    const declined: LocalCallResult = {
      outcome: null,
      error: null,
      output: `The user declined to run the tool ${tool.tool}. It did not run.`,
      declined: true,
    };
    localMcp.results[modelCallId] = declined;
    return declined;
  }
  localMcp.running[modelCallId] = true;
  let result: LocalCallResult;
  try {
    const parsed: unknown = args.trim() === "" ? {} : JSON.parse(args);
    const outcome = await mcpIpc.callTool(
      callId(),
      tool.serverId,
      tool.tool,
      parsed as Record<string, unknown>,
    );
    result = { outcome, error: null, output: outcome.modelOutput, declined: false };
  } catch (error) {
    const message = error instanceof SyntaxError ? String(error) : toIpcError(error).message;
    result = {
      outcome: null,
      error: message,
      output: `The tool call failed: ${message}`,
      declined: false,
    };
  } finally {
    localMcp.running[modelCallId] = false;
  }
  localMcp.results[modelCallId] = result;
  return result;
}

/** The inspector's run: one call by hand, with the wall time around it. */
export async function inspectCall(
  serverId: string,
  tool: string,
  args: Record<string, unknown>,
): Promise<{ outcome: McpCallOutcome; wallMs: number; callId: string }> {
  const id = callId();
  lastInspectorCall = id;
  const started = performance.now();
  const outcome = await mcpIpc.callTool(id, serverId, tool, args);
  return { outcome, wallMs: performance.now() - started, callId: id };
}

let lastInspectorCall: string | null = null;

export function cancelInspectorCall(): void {
  if (lastInspectorCall) void mcpIpc.cancelCall(lastInspectorCall).catch(() => {});
}

export function serverCatalog(id: string): Promise<McpCatalog> {
  return mcpIpc.catalog(id);
}

/** The namespaced function name the model knows `tool` of `serverId` by. */
export async function functionNameOf(serverId: string, tool: string): Promise<string | null> {
  const known = localMcp.tools.find((t) => t.serverId === serverId && t.tool === tool);
  if (known) return known.name;
  const offered = await mcpIpc.offeredTools([serverId]);
  return offered.tools.find((t) => t.tool === tool)?.name ?? null;
}
