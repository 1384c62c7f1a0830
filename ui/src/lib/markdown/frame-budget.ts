// One budget of rendering time per animation frame, shared by every message
// in the page.
//
// A message's renderer yields after a few milliseconds of work, but it is not
// only called once a frame: measuring a part that was just laid out moves the
// window of parts (ResizeObserver → a new range → another render), and so
// does scrolling, all before the next frame is painted. Measured in
// WebKitGTK while a 1 MB answer of mixed markdown streamed, five or six such
// calls ran back to back in one frame, each doing its "one unit at least",
// and frames came 150–400 ms apart. The budget is per frame, not per call: a
// call that finds this frame's budget spent does no new unit, and the work
// goes on in the next frame (the component shows the rest as text meanwhile).
//
// Each message's first call in a frame is still promised a unit of work
// whatever the budget, so every message moves forward, one unit a frame at
// least, and a short message is whole as soon as it is shown (opening a
// conversation renders each message in view at once, as before).

export interface FrameClock {
  now(): number;
  /** Calls `callback` at the start of the next frame. */
  nextFrame(callback: () => void): void;
  /** Calls `callback` in a task of its own, soon (after the current frame, when called in one). */
  soon(callback: () => void): void;
}

const browserClock: FrameClock = {
  now: () => performance.now(),
  nextFrame: (callback) => {
    if (typeof requestAnimationFrame === "function") requestAnimationFrame(callback);
    else setTimeout(callback, 16);
  },
  soon: (callback) => void setTimeout(callback, 0),
};

/** What a render call may do now. */
export interface FrameSlot {
  /** When the call started (a `now()` time), for `end`. */
  started: number;
  /** A `now()` time after which the call starts no new unit of work. */
  deadline: number;
  /** Whether the call must do one unit even past the deadline (its caller's first this frame). */
  atLeastOne: boolean;
}

export class FrameBudget {
  /** Time spent by calls in the current frame. */
  private spent = 0;
  /** Whether a call ran since the last frame started (and a reset is scheduled). */
  private inFrame = false;
  /** When the current frame's first call started, for the fallback below. */
  private frameStart = 0;
  /** Which frame a scheduled reset belongs to (the fallback may have ended it already). */
  private generation = 0;
  /** Callers that had a call this frame. */
  private served = new WeakSet<object>();
  /** When the first task after the last frame ran, i.e. that frame was done (-Infinity: none yet). */
  private paintedAt = -Infinity;
  /** The budget of the current frame or task. */
  private limit: number;

  constructor(
    private readonly budgetMs: number,
    private readonly clock: FrameClock = browserClock,
    /**
     * A frame is taken as over after this long even if no frame callback
     * came (a window that paints no frames still renders, slowly).
     */
    private readonly maxFrameMs = 100,
  ) {
    this.limit = budgetMs;
  }

  /** Opens a call by `caller`: its deadline, and whether it must make progress. Pair with `end`. */
  begin(caller: object): FrameSlot {
    const now = this.clock.now();
    if (this.inFrame && now - this.frameStart > this.maxFrameMs) this.reset();
    if (!this.inFrame) {
      this.inFrame = true;
      this.frameStart = now;
      const generation = this.generation;
      this.clock.nextFrame(() => {
        this.clock.soon(() => (this.paintedAt = this.clock.now()));
        if (generation === this.generation) this.reset();
      });
    }
    const atLeastOne = !this.served.has(caller);
    this.served.add(caller);
    return { started: now, deadline: now + Math.max(0, this.limit - this.spent), atLeastOne };
  }

  /** Closes the call that `begin` opened. */
  end(slot: FrameSlot): void {
    this.spent += Math.max(0, this.clock.now() - slot.started);
  }

  /**
   * A task of its own began (a renderer's continuation, run by a timer after
   * a frame): it gets a budget of its own, as the frame did. What is shared
   * is the budget of calls within one task, above all the rendering step's
   * frame callbacks and resize observers. A task that runs after a frame
   * was painted may be given more than a frame's share (`budgetMs`): it
   * delays no frame that is already late.
   */
  newTask(budgetMs = this.budgetMs): void {
    this.reset();
    this.limit = budgetMs;
  }

  /**
   * Whether a continuation may run as a task of its own now rather than
   * after the next frame: only within `withinMs` of the last frame being
   * done (its layout and paint included).
   * Waiting for a frame before every continuation left most of a frame's
   * time unused (one unit of work per frame: a 1 MB answer took three
   * times as long to show); running them back to back without a bound kept
   * frames from being painted (300 ms and more in WebKitGTK).
   */
  mayContinue(withinMs: number): boolean {
    return this.clock.now() - this.paintedAt < withinMs;
  }

  /** Time left in this frame's budget (tests). */
  get left(): number {
    return Math.max(0, this.limit - this.spent);
  }

  private reset(): void {
    this.spent = 0;
    this.limit = this.budgetMs;
    this.inFrame = false;
    this.generation++;
    this.served = new WeakSet();
  }
}
