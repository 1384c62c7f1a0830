// Which of the modes fills the window: the chat, the Playground or Evaluations.
export type AppMode = "chat" | "playground" | "evals";

export const appMode = $state<{ current: AppMode }>({ current: "chat" });
