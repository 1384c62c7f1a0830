// Which app-wide dialog is open. A state module, so a message can open
// Settings (a refused key: "fix it in Settings") as the sidebar does.
export const dialogs = $state({ settings: false, search: false, shortcuts: false });
