// The thin Svelte adapter: reactive state fed by the pure reducer, one
// reduction per animation frame.
import type { RunUpdate } from "../ipc";
import { deltaEcho } from "../bench";
import { createFrameBatcher, type FrameScheduler } from "./frame-batcher";
import { initialStreamState, reduceAll, type StreamState } from "./reducer";

export class StreamingMessage {
  state = $state<StreamState>(initialStreamState());
  readonly push: (update: RunUpdate) => void;

  constructor(onFinished?: (state: StreamState) => void, scheduler?: FrameScheduler) {
    let done = false;
    const echo = deltaEcho();
    this.push = createFrameBatcher((updates) => {
      this.state = reduceAll(this.state, updates);
      echo(updates);
      if (!done && this.state.status !== "streaming") {
        done = true;
        onFinished?.(this.state);
      }
    }, scheduler);
  }
}
