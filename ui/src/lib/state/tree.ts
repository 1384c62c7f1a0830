// The conversation is a tree (edits and regenerations make branches); the
// screen shows one path through it, from a root to the current leaf.
import type { MessageView } from "../ipc";

export type MessageIndex = Map<string, MessageView>;

export function indexMessages(messages: readonly MessageView[]): MessageIndex {
  return new Map(messages.map((m) => [m.id, m]));
}

/** Root-to-leaf path ending at `leafId` (empty when the leaf is unknown). */
export function pathToLeaf(index: MessageIndex, leafId: string | null): MessageView[] {
  const path: MessageView[] = [];
  const seen = new Set<string>();
  let id = leafId;
  while (id !== null && !seen.has(id)) {
    seen.add(id); // a corrupt parent loop must not hang the UI
    const message = index.get(id);
    if (!message) break;
    path.push(message);
    id = message.parentId;
  }
  return path.reverse();
}

/** Ids of the messages sharing this one's parent (roots are siblings of each other), in order. */
export function siblingIds(
  index: MessageIndex,
  messages: readonly MessageView[],
  message: MessageView,
): string[] {
  if (message.parentId === null) {
    return messages.filter((m) => m.parentId === null).map((m) => m.id);
  }
  return index.get(message.parentId)?.children ?? [message.id];
}

/** The leaf reached from `id` by always following the first child: what a branch switch shows. */
export function deepestLeaf(index: MessageIndex, id: string): string {
  const seen = new Set<string>();
  let current = id;
  for (;;) {
    seen.add(current);
    const first = index.get(current)?.children[0];
    if (first === undefined || seen.has(first) || !index.has(first)) return current;
    current = first;
  }
}
