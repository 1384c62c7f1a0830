// The Playground's live state: the form, and the run in flight with its
// events, output cards and rounds of function calls. Stream updates are
// buffered and applied once per animation frame so a fast stream does not
// re-render on every delta.

import {
  ipc,
  playgroundIpc,
  toIpcError,
  type BackgroundRun,
  type PlaygroundEvent,
  type PlaygroundStatus,
} from "../ipc";
import { autoReplyOutputs, maxAutoRounds } from "./canned";
import { approvalResponse, pendingApprovals, type PendingApproval } from "./approvals";
import { answerText, applyUpdate, cardsFromResponse, type OutputCard } from "./output";
import {
  buildRequest,
  followUpRequest,
  followUpWith,
  hasErrors,
  pendingCalls,
  type JsonObject,
  type PendingCall,
} from "./request";
import { completeForm, defaultForm, withAnswer, type PlaygroundForm } from "./state";
import { answerLocalCall, localFunctionTools, localMcp, localToolNamed } from "./local-mcp.svelte";
import { loadToolPolicies, policyOf, setToolPolicy } from "../state/mcp.svelte";
import type { TimedEvent } from "./timeline";

/** Not started, streaming, or how the last run ended. */
export type RunStatus = "idle" | "running" | PlaygroundStatus;

/** What the run's error line shows: a turn's error, or a command that failed before it started. */
export interface RunError {
  message: string;
  apiCode: string | null;
}

/** A finished step of a function-call or approval chain, kept on screen. */
export interface EarlierRound {
  round: number;
  status: RunStatus;
  cards: OutputCard[];
}

/** Input tokens counted for the form: a number, "unavailable" (404/405), or an error. */
export type TokenCount =
  { kind: "count"; tokens: number } | { kind: "unavailable" } | { kind: "error"; message: string };

class Playground {
  form = $state<PlaygroundForm>(defaultForm());
  readonly built = $derived(buildRequest(this.form, localFunctionTools() as JsonObject[]));

  runId = $state<string | null>(null);
  status = $state<RunStatus>("idle");
  /** The body last sent, exactly (with `stream: true`). */
  sentBody = $state.raw<JsonObject | null>(null);
  response = $state.raw<Record<string, unknown> | null>(null);
  error = $state.raw<RunError | null>(null);
  events = $state.raw<TimedEvent[]>([]);
  cards = $state.raw<OutputCard[]>([]);
  openedMs = $state<number | null>(null);
  finishedMs = $state<number | null>(null);
  /** Function-call round trips done in this run chain. */
  round = $state(0);
  /** Outputs typed for the pending calls, by call id. */
  callOutputs = $state<Record<string, string>>({});
  /** Earlier rounds of this chain, oldest first. */
  earlier = $state.raw<EarlierRound[]>([]);
  /** The response id and its own status (queued, in_progress...) as the stream reports them. */
  responseId = $state<string | null>(null);
  serverStatus = $state<string | null>(null);
  /** Background runs left unfinished (e.g. by closing the app), offered for resume. */
  backgroundRuns = $state.raw<BackgroundRun[]>([]);
  tokenCount = $state.raw<TokenCount | null>(null);
  /** Stored-response lookup: the id typed, and what the last call returned (pretty JSON). */
  lookupId = $state("");
  lookupResult = $state("");

  #buffer: PlaygroundEvent[] = [];
  /** An opened recording is shown, not answered. */
  #replaying = false;
  #liveCards: OutputCard[] = [];
  #frame: number | null = null;

  get running(): boolean {
    return this.status === "running";
  }

  get pending(): PendingCall[] {
    return this.running ? [] : pendingCalls(this.response);
  }

  get approvals(): PendingApproval[] {
    return this.running ? [] : pendingApprovals(this.response);
  }

  reset(): void {
    this.form = defaultForm(this.form.model);
  }

  /** The last answer's text, once the run is over ("" while it runs or when it has none). */
  get answer(): string {
    return this.running ? "" : answerText(this.cards);
  }

  /** Adds the last answer to the input messages, to go on with the conversation. */
  addAnswerToInput(): void {
    this.form.messages = withAnswer(this.form.messages, this.answer);
  }

  /** Replaces the form (a preset loaded). */
  loadForm(form: PlaygroundForm): void {
    // Presets saved by an older version lack the fields added since.
    this.form = completeForm(form);
  }

  async run(): Promise<void> {
    const { body, problems } = this.built;
    if (hasErrors(problems) || this.running) return;
    this.round = 0;
    this.earlier = [];
    await this.#send(body);
  }

  /** Answers the pending MCP approval request `requestId` and streams what follows. */
  async answerApproval(requestId: string, approve: boolean): Promise<void> {
    if (!this.sentBody || !this.response) return;
    const base: JsonObject = { ...this.sentBody };
    delete base.stream;
    const next = followUpWith(base, this.response, [approvalResponse(requestId, approve)]);
    this.#keepRound();
    await this.#send(next);
  }

  async loadBackgroundRuns(): Promise<void> {
    try {
      this.backgroundRuns = await playgroundIpc.backgroundRuns();
    } catch {
      this.backgroundRuns = [];
    }
  }

  /** Picks a background run's stream up again, after the last event seen. */
  async resume(run: BackgroundRun): Promise<void> {
    if (this.running) return;
    this.round = 0;
    this.earlier = [];
    this.backgroundRuns = this.backgroundRuns.filter((r) => r.responseId !== run.responseId);
    let sent: JsonObject | null = null;
    try {
      sent = JSON.parse(run.request) as JsonObject;
    } catch {
      sent = null;
    }
    this.#clear(sent ? { ...sent, stream: true } : null);
    this.responseId = run.responseId;
    this.serverStatus = run.status;
    try {
      this.runId = await playgroundIpc.resume(run.responseId, null, (e) => this.#receive(e));
    } catch (error) {
      this.#failed(error);
    }
  }

  /** Saves the inspector's raw events as a `.sse` recording; resolves with the file's path. */
  async saveRecording(): Promise<string> {
    const name = `${this.responseId ?? "Halley"} recording`;
    // Times go along, so the reopened timeline keeps TTFB, first token and tokens/s.
    return playgroundIpc.saveRecording(name, this.openedMs, this.events);
  }

  /** Shows a saved recording as if it had just run: timeline, cards and final response. */
  async openRecording(text: string): Promise<void> {
    if (this.running) return;
    const events = await playgroundIpc.foldRecording(text);
    this.round = 0;
    this.earlier = [];
    this.#clear(null);
    this.#replaying = true;
    try {
      for (const event of events) this.#receive(event);
    } finally {
      this.#replaying = false;
    }
  }

  async forget(run: BackgroundRun): Promise<void> {
    await playgroundIpc.forgetRun(run.responseId);
    this.backgroundRuns = this.backgroundRuns.filter((r) => r.responseId !== run.responseId);
  }

  /** `POST /responses/{id}/cancel` for the background response in view. */
  async cancel(): Promise<void> {
    if (!this.responseId) return;
    try {
      const response = await playgroundIpc.cancel(this.responseId);
      if (typeof response.status === "string") this.serverStatus = response.status;
    } catch (error) {
      this.#failed(error);
    }
  }

  async countTokens(): Promise<void> {
    const { body, problems } = this.built;
    if (hasErrors(problems)) return;
    try {
      const tokens = await playgroundIpc.inputTokens(JSON.stringify(body));
      this.tokenCount = tokens === null ? { kind: "unavailable" } : { kind: "count", tokens };
    } catch (error) {
      this.tokenCount = { kind: "error", message: toIpcError(error).message };
    }
  }

  /** Retrieve, list input items of, or delete the stored response `lookupId`. */
  async lookup(action: "retrieve" | "inputItems" | "delete"): Promise<void> {
    const id = this.lookupId.trim();
    if (id === "") return;
    try {
      const result =
        action === "retrieve"
          ? await playgroundIpc.retrieve(id)
          : action === "inputItems"
            ? await playgroundIpc.inputItems(id)
            : await playgroundIpc.deleteResponse(id);
      this.lookupResult = JSON.stringify(result, null, 2);
    } catch (error) {
      this.lookupResult = `${toIpcError(error).code}: ${toIpcError(error).message}`;
    }
  }

  /** The pending calls of the user's own MCP tools (Halley runs them). */
  get localCalls(): PendingCall[] {
    return this.pending.filter((c) => localToolNamed(c.name) !== undefined);
  }

  /**
   * Approves (runs on its server) or declines one pending call of a local
   * MCP tool. Once every pending call has an output and they were all
   * local, the outputs go back to the model at once, within the auto-reply
   * bound on rounds.
   */
  async answerLocal(call: PendingCall, approve: boolean): Promise<void> {
    const tool = localToolNamed(call.name);
    if (!tool) return;
    const result = await answerLocalCall(call.callId, tool, call.arguments, approve);
    this.callOutputs = { ...this.callOutputs, [call.callId]: result.output };
    const pending = this.pending;
    const allLocal = pending.every((c) => localToolNamed(c.name) !== undefined);
    const answered = pending.every((c) => localMcp.results[c.callId] !== undefined);
    if (allLocal && answered && this.round < maxAutoRounds(this.form)) {
      await this.submitOutputs();
    }
  }

  /**
   * Runs the pending local calls the user always allows (as chat does) and
   * declines the ones they never allow; the others wait for a click.
   */
  async #answerAllowed(): Promise<void> {
    const calls = this.localCalls;
    if (calls.length === 0) return;
    await loadToolPolicies().catch(() => {});
    for (const call of calls) {
      const tool = localToolNamed(call.name);
      if (!tool || localMcp.results[call.callId]) continue;
      const policy =
        tool.destructive && policyOf(tool.serverId, tool.tool) === "allow"
          ? "ask"
          : policyOf(tool.serverId, tool.tool);
      if (policy !== "ask") await this.answerLocal(call, policy === "allow");
    }
  }

  /** Remembers "always allow" for the call's tool, then runs it. */
  async alwaysAllowLocal(call: PendingCall): Promise<void> {
    const tool = localToolNamed(call.name);
    if (!tool || tool.destructive) return;
    await setToolPolicy(tool.serverId, tool.tool, "allow");
    await this.answerLocal(call, true);
  }

  /** Sends the typed function outputs back and streams the model's next step. */
  async submitOutputs(): Promise<void> {
    await this.#reply(
      this.pending.map((c) => ({ callId: c.callId, output: this.callOutputs[c.callId] ?? "" })),
    );
  }

  async #reply(outputs: { callId: string; output: string }[]): Promise<void> {
    if (!this.sentBody || !this.response) return;
    const base: JsonObject = { ...this.sentBody };
    delete base.stream;
    // A forced function is for the model's first step: forced again on the
    // answer to its own call, it would call it forever.
    const choice = base.tool_choice;
    if (typeof choice === "object" && choice !== null && !Array.isArray(choice)) {
      if ((choice as JsonObject).type === "function") delete base.tool_choice;
    }
    const next = followUpRequest(base, this.response, outputs);
    this.#keepRound();
    await this.#send(next);
  }

  async stop(): Promise<void> {
    if (this.runId) await ipc.stop(this.runId);
  }

  /** The finished round stays on screen above the next one. */
  #keepRound(): void {
    this.earlier = [...this.earlier, { round: this.round, status: this.status, cards: this.cards }];
    this.round += 1;
  }

  #failed(error: unknown): void {
    this.error = { message: toIpcError(error).message, apiCode: null };
    if (this.running) this.status = "error";
  }

  #clear(sentBody: JsonObject | null): void {
    this.sentBody = sentBody;
    this.responseId = null;
    this.serverStatus = null;
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
  }

  async #send(body: JsonObject): Promise<void> {
    this.#clear({ ...body, stream: true });
    try {
      this.runId = await playgroundIpc.run(JSON.stringify(body), (event) => this.#receive(event));
    } catch (error) {
      this.error = { message: toIpcError(error).message, apiCode: null };
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
        case "event": {
          added.push({ ms: event.ms, event: event.event });
          const r = event.event.response;
          if (typeof r === "object" && r !== null) {
            const { id, status } = r as Record<string, unknown>;
            if (typeof id === "string") this.responseId = id;
            if (typeof status === "string") this.serverStatus = status;
          }
          break;
        }
        case "update":
          applyUpdate(this.#liveCards, event.update);
          break;
        case "finished":
          this.finishedMs = event.ms;
          this.response = event.response;
          this.error = event.error;
          this.status = event.status;
          this.runId = null;
          if (event.response && typeof event.response.status === "string") {
            this.serverStatus = event.response.status;
          }
          break;
        case "retrying":
          break;
      }
    }
    if (added.length > 0) this.events = [...this.events, ...added];
    const finalCards = this.response ? cardsFromResponse(this.response) : [];
    this.cards = finalCards.length > 0 ? finalCards : this.#liveCards.map((c) => ({ ...c }));
    if (batch.some((e) => e.kind === "finished") && this.#replaying === false) {
      const auto = autoReplyOutputs(this.form, this.pending, this.round);
      if (auto) queueMicrotask(() => void this.#reply(auto));
      else queueMicrotask(() => void this.#answerAllowed());
    }
  }
}

export const playground = new Playground();
