// Which of the two modes fills the window: the chat or the Playground.
export type AppMode = "chat" | "playground";

export const appMode = $state<{ current: AppMode }>({ current: "chat" });
