// The English catalog is the source of truth: every key the UI uses is here,
// and other languages must provide the same keys (checked by the type below).
export const en = {
  "app.name": "Halley",
  "sidebar.newChat": "New chat",
  "sidebar.search": "Search",
  "sidebar.empty": "No conversations yet",
  "sidebar.settings": "Settings",
  "chat.emptyTitle": "What can I help with?",
  "chat.emptyHint": "Ask anything. Answers stream in as they are written.",
  "composer.placeholder": "Message Halley",
  "composer.send": "Send",
  "composer.stop": "Stop",
  "composer.hint": "Enter to send, Shift+Enter for a new line",
} as const;

export type MessageKey = keyof typeof en;
export type Catalog = Record<MessageKey, string>;
