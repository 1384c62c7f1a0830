// Compare runs: one streaming run per variant, all at once. Each variant's
// text is folded from the backend's updates; the final response replaces it.

import { ipc, playgroundIpc, toIpcError, type PlaygroundEvent } from "../ipc";
import { applyUpdate, cardsFromResponse, type OutputCard } from "./output";
import type { JsonObject } from "./request";
import {
  emptyRun,
  MAX_VARIANTS,
  newVariant,
  variantBody,
  type Variant,
  type VariantRun,
} from "./compare";

function textOf(cards: OutputCard[]): string {
  return cards
    .filter((c) => c.type === "message")
    .map((c) => c.text)
    .join("\n");
}

class Compare {
  open = $state(false);
  variants = $state<Variant[]>([newVariant(), newVariant()]);
  runs = $state<Record<string, VariantRun>>({});
  #runIds = new Map<string, string>();

  get running(): boolean {
    return Object.values(this.runs).some((r) => r.status === "running");
  }

  add(): void {
    if (this.variants.length < MAX_VARIANTS) this.variants.push(newVariant());
  }

  remove(id: string): void {
    if (this.variants.length > 2) this.variants = this.variants.filter((v) => v.id !== id);
  }

  async run(base: JsonObject): Promise<void> {
    if (this.running) return;
    const runs: Record<string, VariantRun> = {};
    for (const v of this.variants) runs[v.id] = emptyRun();
    this.runs = runs;
    await Promise.all(this.variants.map((v) => this.#start(v, variantBody(base, v))));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#runIds.values()].map((id) => ipc.stop(id)));
  }

  async #start(variant: Variant, body: JsonObject): Promise<void> {
    const cards: OutputCard[] = [];
    const update = (change: (run: VariantRun) => void) => {
      const run = this.runs[variant.id];
      if (run) change(run);
    };
    const receive = (event: PlaygroundEvent) => {
      switch (event.kind) {
        case "opened":
          update((r) => (r.openedMs = event.ms));
          break;
        case "event":
          update((r) => r.events.push({ ms: event.ms, event: event.event }));
          break;
        case "update":
          applyUpdate(cards, event.update);
          update((r) => (r.text = textOf(cards)));
          break;
        case "finished":
          this.#runIds.delete(variant.id);
          update((r) => {
            r.finishedMs = event.ms;
            r.status = event.status;
            r.response = event.response;
            r.error = event.error?.message ?? null;
            if (event.response) r.text = textOf(cardsFromResponse(event.response));
          });
          break;
        case "retrying":
          break;
      }
    };
    try {
      const runId = await playgroundIpc.run(JSON.stringify(body), receive);
      this.#runIds.set(variant.id, runId);
    } catch (error) {
      update((r) => {
        r.status = "error";
        r.error = toIpcError(error).message;
      });
    }
  }
}

export const compare = new Compare();
