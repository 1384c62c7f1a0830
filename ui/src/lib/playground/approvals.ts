// MCP approvals: a response that stops on `mcp_approval_request` items waits
// for an `mcp_approval_response` for each before the tool runs.

import type { Json } from "./request";
import { isObject } from "./schema";

export interface PendingApproval {
  id: string;
  serverLabel: string;
  name: string;
  arguments: string;
}

/** Approval requests in `response` that no later item in it answers. */
export function pendingApprovals(response: unknown): PendingApproval[] {
  if (!isObject(response) || !Array.isArray(response.output)) return [];
  return response.output.filter(isObject).flatMap((item) =>
    item.type === "mcp_approval_request" && typeof item.id === "string"
      ? [
          {
            id: item.id,
            serverLabel: typeof item.server_label === "string" ? item.server_label : "",
            name: typeof item.name === "string" ? item.name : "",
            arguments: typeof item.arguments === "string" ? item.arguments : "",
          },
        ]
      : [],
  );
}

/** The input item that answers one approval request. */
export function approvalResponse(requestId: string, approve: boolean): Json {
  return { type: "mcp_approval_response", approval_request_id: requestId, approve };
}
