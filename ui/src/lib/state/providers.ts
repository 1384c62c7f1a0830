// Providers and their keys, as the provider form, the setup screen and the
// settings change them. A key goes to the backend once (into the keyring)
// and never comes back: views carry `hasKey` and `keyLast4` only.
import {
  ipc,
  type EnvKeyOffer,
  type ProviderInput,
  type ProviderTest,
  type ProviderView,
} from "../ipc";
import { loadModels, refreshProviders } from "./chat.svelte";
import { preferences } from "./preferences.svelte";

/** Creates or updates a provider; `useProvider` then makes it the one in use. */
export function saveProvider(input: ProviderInput): Promise<ProviderView> {
  return ipc.saveProvider(input);
}

/** Imports a key found in the environment as a new provider. */
export function importEnvKey(variable: string): Promise<ProviderView> {
  return ipc.importEnvKey(variable);
}

/** Keys the environment offers at first run (only their last 4 characters). */
export function envKeyOffers(): Promise<EnvKeyOffer[]> {
  return ipc.envKeyOffers();
}

/** Makes a just-saved provider the active one, if it is not, and reloads the lists. */
export async function useProvider(view: ProviderView): Promise<void> {
  if (!view.active) await ipc.setActiveProvider(view.id);
  await refreshProviders();
  void loadModels(true);
}

export async function activateProvider(id: string): Promise<void> {
  await ipc.setActiveProvider(id);
  await refreshProviders();
  void loadModels(true);
}

/** Deletes the provider and its key. */
export async function deleteProvider(id: string): Promise<void> {
  await ipc.deleteProvider(id);
  await refreshProviders();
}

/** One `GET /models` with the stored key: does the provider answer? */
export function testProvider(id: string): Promise<ProviderTest> {
  return ipc.testProvider(id, preferences.model);
}
