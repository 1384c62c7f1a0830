// Desktop habits in the UI: the main window follows what the tray and the
// quick-ask window ask of it; the quick-ask window hands its conversation
// over. Only this module talks to ipc about them.
import { ipc } from "../ipc";
import { chat, newChat, openConversation, refreshConversations } from "./chat.svelte";
import { appMode } from "./mode.svelte";

/** Whether this page is the quick-ask window (`index.html?view=quick`). */
export function isQuickAskWindow(search: string = location.search): boolean {
  return /(?:^\?|&)view=quick(?:&|$)/.test(search);
}

/** The main window: start a chat or open a conversation when asked to. */
export async function followAppEvents(onNewChat: () => void): Promise<void> {
  await ipc.watchApp((event) => {
    if (event.kind !== "conversationRenamed") appMode.current = "chat";
    switch (event.kind) {
      case "newChat":
        newChat();
        onNewChat();
        break;
      case "openConversation":
        void refreshConversations().then(() => openConversation(event.conversationId));
        break;
      case "conversationRenamed":
        // The model named a new conversation after its first answer.
        if (chat.current?.id === event.conversationId) chat.current.title = event.title;
        void refreshConversations();
        break;
    }
  });
}

export function closeQuickAsk(): Promise<null> {
  return ipc.closeQuickAsk();
}

export function showInMainWindow(conversationId: string): Promise<null> {
  return ipc.showConversation(conversationId);
}
