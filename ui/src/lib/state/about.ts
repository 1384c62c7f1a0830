// The app's name, version and data folder, for Settings → About.
import { ipc, type AppInfo } from "../ipc";

export function aboutApp(): Promise<AppInfo> {
  return ipc.appInfo();
}
