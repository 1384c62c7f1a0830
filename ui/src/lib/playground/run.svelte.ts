// The Playground's live state: the form, and the run in flight with its
// events, output cards and rounds of function calls. Stream updates are
// buffered and applied once per animation frame so a fast stream does not
// re-render on every delta.

import { ipc, playgroundIpc, toIpcError, type PlaygroundEvent, type TurnError } from "../ipc";
import { applyUpdate, cardsFromResponse, type OutputCard } from "./output";
import {
  buildRequest,
  followUpRequest,
  hasErrors,
  pendingCalls,
  type JsonObject,
  type PendingCall,
} from "./request";
import { defaultForm, type PlaygroundForm } from "./state";
import type { TimedEvent } from "./timeline";

export type RunStatus = "idle" | "running" | string;

class Playground {
  form = $state<PlaygroundForm>(defaultForm());
  readonly built = $derived(buildRequest(this.form));

  runId = $state<string | null>(null);
  status = $state<RunStatus>("idle");
  /** The body last sent, exactly (with `stream: true`). */
  sentBody = $state.raw<JsonObject | null>(null);
  response = $state.raw<Record<string, unknown> | null>(null);
  error = $state.raw<TurnError | null>(null);
  events = $state.raw<TimedEvent[]>([]);
  cards = $state.raw<OutputCard[]>([]);
  openedMs = $state<number | null>(null);
  finishedMs = $state<number | null>(null);
  /** Function-call round trips done in this run chain. */
  round = $state(0);
  /** Outputs typed for the pending calls, by call id. */
  callOutputs = $state<Record<string, string>>({});

  #buffer: PlaygroundEvent[] = [];
  #liveCards: OutputCard[] = [];
  #frame: number | null = null;

  get running(): boolean {
    return this.status === "running";
  }

  get pending(): PendingCall[] {
    return this.running ? [] : pendingCalls(this.response);
  }

  reset(): void {
    this.form = defaultForm(this.form.model);
  }

  async run(): Promise<void> {
    const { body, problems } = this.built;
    if (hasErrors(problems) || this.running) return;
    this.round = 0;
    await this.#send(body);
  }

  /** Sends the typed function outputs back and streams the model's next step. */
  async submitOutputs(): Promise<void> {
    if (!this.sentBody || !this.response) return;
    const outputs = this.pending.map((c) => ({
      callId: c.callId,
      output: this.callOutputs[c.callId] ?? "",
    }));
    const base: JsonObject = { ...this.sentBody };
    delete base.stream;
    const next = followUpRequest(base, this.response, outputs);
    this.round += 1;
    await this.#send(next);
  }

  async stop(): Promise<void> {
    if (this.runId) await ipc.stop(this.runId);
  }

  async #send(body: JsonObject): Promise<void> {
    this.sentBody = { ...body, stream: true };
    this.response = null;
    this.error = null;
    this.events = [];
    this.cards = [];
    this.#liveCards = [];
    this.#buffer = [];
    this.openedMs = null;
    this.finishedMs = null;
    this.callOutputs = {};
    this.status = "running";
    try {
      this.runId = await playgroundIpc.run(JSON.stringify(body), (event) => this.#receive(event));
    } catch (error) {
      const e = toIpcError(error);
      this.error = { code: e.code, message: e.message, status: null, apiCode: null };
      this.status = "error";
    }
  }

  #receive(event: PlaygroundEvent): void {
    this.#buffer.push(event);
    if (event.kind === "finished") {
      this.#flush();
      return;
    }
    if (this.#frame === null) {
      this.#frame = requestAnimationFrame(() => this.#flush());
    }
  }

  #flush(): void {
    if (this.#frame !== null) cancelAnimationFrame(this.#frame);
    this.#frame = null;
    const batch = this.#buffer;
    this.#buffer = [];
    const added: TimedEvent[] = [];
    for (const event of batch) {
      switch (event.kind) {
        case "opened":
          this.openedMs = event.ms;
          break;
        case "event":
          added.push({ ms: event.ms, event: event.event });
          break;
        case "update":
          applyUpdate(this.#liveCards, event.update);
          break;
        case "finished":
          this.finishedMs = event.ms;
          this.response = event.response;
          this.error = event.error;
          this.status = event.status;
          this.runId = null;
          break;
        case "retrying":
          break;
      }
    }
    if (added.length > 0) this.events = [...this.events, ...added];
    const finalCards = this.response ? cardsFromResponse(this.response) : [];
    this.cards = finalCards.length > 0 ? finalCards : this.#liveCards.map((c) => ({ ...c }));
  }
}

export const playground = new Playground();
