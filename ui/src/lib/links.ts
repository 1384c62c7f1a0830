// Where a clicked link in model output goes. Never the webview itself: the
// lead wires this to the system browser (Tauri opener) at startup.
type LinkOpener = (url: string) => void;

let opener: LinkOpener = (url) => {
  window.open(url, "_blank", "noopener,noreferrer");
};

export function setLinkOpener(next: LinkOpener): void {
  opener = next;
}

export function openLink(url: string): void {
  opener(url);
}
