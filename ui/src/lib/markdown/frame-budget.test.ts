import { describe, expect, it } from "vitest";
import { FrameBudget, type FrameClock } from "./frame-budget";

/** A clock whose time and frames the test moves by hand. */
function fakeClock() {
  let time = 1000;
  let frames: (() => void)[] = [];
  let tasks: (() => void)[] = [];
  const clock: FrameClock = {
    now: () => time,
    nextFrame: (callback) => frames.push(callback),
    soon: (callback) => tasks.push(callback),
  };
  return {
    clock,
    advance: (ms: number) => (time += ms),
    /** A frame: its callbacks, then (its layout and paint taking no time here) the tasks after it. */
    frame: () => {
      const due = frames;
      frames = [];
      for (const callback of due) callback();
      const after = tasks;
      tasks = [];
      for (const callback of after) callback();
    },
  };
}

describe("FrameBudget", () => {
  it("shares one budget between the calls of a frame", () => {
    const { clock, advance } = fakeClock();
    const budget = new FrameBudget(8, clock);
    const a = {};
    const first = budget.begin(a);
    expect(first.atLeastOne).toBe(true);
    expect(first.deadline).toBe(1008);
    advance(5);
    budget.end(first);
    // The same message again in this frame: what is left, and no promised unit.
    const second = budget.begin(a);
    expect(second.atLeastOne).toBe(false);
    expect(second.deadline).toBe(1005 + 3);
    advance(10);
    budget.end(second);
    const third = budget.begin(a);
    expect(third.deadline).toBeLessThanOrEqual(1015);
    expect(budget.left).toBe(0);
    budget.end(third);
  });

  it("still promises every other message one unit in a spent frame", () => {
    const { clock, advance } = fakeClock();
    const budget = new FrameBudget(8, clock);
    const slot = budget.begin({});
    advance(30);
    budget.end(slot);
    const other = budget.begin({});
    expect(other.atLeastOne).toBe(true);
    expect(other.deadline).toBe(1030);
  });

  it("gives the whole budget back at the next frame", () => {
    const { clock, advance, frame } = fakeClock();
    const budget = new FrameBudget(8, clock);
    const a = {};
    const slot = budget.begin(a);
    advance(20);
    budget.end(slot);
    frame();
    const next = budget.begin(a);
    expect(next.atLeastOne).toBe(true);
    expect(next.deadline).toBe(1028);
  });

  it("takes a frame as over after maxFrameMs when no frame comes (a window that paints none)", () => {
    const { clock, advance } = fakeClock();
    const budget = new FrameBudget(8, clock, 100);
    const a = {};
    const slot = budget.begin(a);
    advance(20);
    budget.end(slot);
    advance(90);
    expect(budget.begin(a).atLeastOne).toBe(true);
  });

  it("gives a continuation task a budget of its own, and lets it run soon after a frame only", () => {
    const { clock, advance, frame } = fakeClock();
    const budget = new FrameBudget(8, clock);
    const a = {};
    expect(budget.mayContinue(32)).toBe(false); // no frame seen yet
    const slot = budget.begin(a);
    frame();
    advance(20);
    budget.end(slot);
    expect(budget.mayContinue(32)).toBe(true);
    budget.newTask();
    const next = budget.begin(a);
    expect(next.atLeastOne).toBe(true);
    expect(next.deadline).toBe(1028);
    budget.end(next);
    advance(20);
    expect(budget.mayContinue(32)).toBe(false);
    // A continuation after a painted frame may be given more than a frame's share…
    budget.newTask(16);
    const longer = budget.begin(a);
    expect(longer.deadline).toBe(1040 + 16);
    advance(16);
    budget.end(longer);
    // …and the next frame has its own budget again.
    frame();
    const framed = budget.begin(a);
    expect(framed.deadline).toBe(1056 + 8);
  });
});
