// What the Playground's panels ask the backend outside a run: checking JSON
// against a schema, and keeping a secret MCP header in the keyring.
import { playgroundIpc, type Violation } from "../ipc";

/** Every violation of `schema` by `instance` (both JSON text). */
export function validateJson(schema: string, instance: string): Promise<Violation[]> {
  return playgroundIpc.validateJson(schema, instance);
}

/**
 * Stores a secret header value in the keyring, bound to the origin of
 * `serverUrl`; resolves with the placeholder the form keeps instead.
 */
export function storeMcpSecret(
  serverUrl: string,
  serverLabel: string,
  header: string,
  value: string,
): Promise<string> {
  return playgroundIpc.setMcpSecret(serverUrl, serverLabel, header, value);
}
