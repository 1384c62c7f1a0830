// ./x bench: Halley (release) against a Tauri 2 hello-world (tests/bench/hello,
// release, same profile), side by side in one run, under the Xvfb display and
// private unlocked keyring that `./x bench` starts. Prints a Markdown table;
// --append adds it to docs/performance.md (the full run does so by default).
//
//   node tests/bench/run.mjs [--quick] [--append | --no-append]
//
// Env: HALLEY_BENCH_APP, HALLEY_BENCH_HELLO, HALLEY_BENCH_SEED (binaries; the
// defaults are under CARGO_TARGET_DIR or target/), BENCH_SOAK_SECONDS.
// Timings here are figures to read, never pass/fail checks: the only failures
// are a phase that could not run at all.
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { markTime, readMarks, streamReport, waitForMarks } from "./lib/marks.mjs";
import { loadAverage, TICKS_PER_SECOND, treeMemory, treeTicks } from "./lib/procs.mjs";
import { markdown } from "./lib/report.mjs";
import { median, summarizeStream } from "./lib/stats.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const TARGET = resolve(process.env.CARGO_TARGET_DIR || join(ROOT, "target"));
const APP = process.env.HALLEY_BENCH_APP || join(TARGET, "release", "halley");
const HELLO = process.env.HALLEY_BENCH_HELLO || join(TARGET, "release", "halley-bench-hello");
const SEED =
  process.env.HALLEY_BENCH_SEED || join(TARGET, "debug", "examples", "seed_conversation");
const args = new Set(process.argv.slice(2));
const quick = args.has("--quick");
const append = args.has("--append") || (!quick && !args.has("--no-append"));

const PLAN = quick
  ? { startRuns: 3, slow: [200, 100], fast: [500, 1000], soakSeconds: 30 }
  : { startRuns: 10, slow: [1000, 100], fast: [2000, 1000], soakSeconds: 600 };
if (process.env.BENCH_SOAK_SECONDS) PLAN.soakSeconds = Number(process.env.BENCH_SOAK_SECONDS);
const RUNS_MARKER = "<!-- ./x bench adds each run's table above this line -->";
const SMALL = 1000;
const LARGE = 10000;

// The e2e harness (tauri-driver, halley-mock, the UI steps) drives the app.
process.env.HALLEY_E2E_APP = APP;
process.env.ARTIFACTS = process.env.ARTIFACTS || join(ROOT, "artifacts");
const { startApp, startMock, freshDataDir, appPids } = await import("../e2e/lib/harness.mjs");
const { setupFresh, setModel, send, settledAnswer } = await import("../e2e/lib/chat.mjs");
const { sleep } = await import("../e2e/lib/webdriver.mjs");

const work = mkdtempSync(join(tmpdir(), "halley-bench-"));
const say = (what) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${what}`);
const NO_UPDATE_SERVER = "http://127.0.0.1:9/latest.json";
let marksFiles = 0;
const newMarksFile = () => join(work, `marks-${++marksFiles}.jsonl`);

/** Starts a binary directly (no WebDriver), as a user's launcher would. */
function launch(bin, env) {
  const child = spawn(bin, [], {
    env: { ...process.env, HALLEY_LOG: "warn", HALLEY_UPDATE_ENDPOINT: NO_UPDATE_SERVER, ...env },
    stdio: "ignore",
  });
  const exited = new Promise((ok) => child.once("exit", ok));
  return {
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A copy of a prepared data folder, so every run starts from the same state. */
function copyOf(dir) {
  const copy = mkdtempSync(join(work, "data-"));
  cpSync(dir, copy, { recursive: true });
  return copy;
}

function seed(dataDir, messages) {
  const out = spawnSync(SEED, [join(dataDir, "history.sqlite3"), String(messages)]);
  if (out.status !== 0) throw new Error(`seeding failed: ${out.stderr}`);
  return String(out.stdout).trim();
}

/** A data folder with a provider on the mock, made through the real first-run screen. */
async function prepareTemplate(mock) {
  const dir = join(work, "template");
  const fresh = freshDataDir();
  seed(fresh, 0); // only the history file, with the day's update check marked done
  const app = await startApp({ dataDir: fresh, name: "bench-setup" });
  try {
    await setupFresh(app, { baseUrl: mock.baseUrl });
  } finally {
    await app.stop();
  }
  cpSync(app.dataDir, dir, { recursive: true });
  rmSync(app.dataDir, { recursive: true, force: true });
  return dir;
}

// ---- cold start and idle memory ------------------------------------------

async function coldStart(bin, dataDir, marks, waitFor) {
  const started = Date.now();
  const app = launch(bin, { HALLEY_DATA_DIR: dataDir, HALLEY_BENCH: marks });
  try {
    const paint = await waitForMarks(marks, markTime("first-paint"), { what: "first paint" });
    const ready = waitFor
      ? await waitForMarks(marks, markTime(waitFor), { what: waitFor })
      : undefined;
    // Idle: nothing happens after start-up; let lazy work settle first.
    await sleep(3000);
    const memory = treeMemory(app.pid);
    return {
      firstPaint: paint - started,
      composerReady: ready === undefined ? undefined : ready - started,
      pss: memory.mb,
      parts: memory.parts,
    };
  } finally {
    await app.stop();
  }
}

async function startPhase(template) {
  const halley = [];
  const hello = [];
  // Alternated, so both see the same machine load.
  for (let i = 0; i < PLAN.startRuns; i++) {
    const dir = copyOf(template);
    halley.push(await coldStart(APP, dir, newMarksFile(), "composer-ready"));
    hello.push(await coldStart(HELLO, dir, newMarksFile(), undefined));
    say(
      `start ${i + 1}/${PLAN.startRuns}: Halley paint ${halley.at(-1).firstPaint} ms, ` +
        `composer ${halley.at(-1).composerReady} ms, ${halley.at(-1).pss.toFixed(0)} MB; ` +
        `hello paint ${hello.at(-1).firstPaint} ms, ${hello.at(-1).pss.toFixed(0)} MB`,
    );
  }
  const pick = (runs, key) => median(runs.map((r) => r[key]));
  return {
    runs: PLAN.startRuns,
    halley: {
      firstPaint: pick(halley, "firstPaint"),
      composerReady: pick(halley, "composerReady"),
      pss: pick(halley, "pss"),
      parts: halley.at(-1).parts,
    },
    hello: {
      firstPaint: pick(hello, "firstPaint"),
      pss: pick(hello, "pss"),
      parts: hello.at(-1).parts,
    },
    samples: { halley, hello },
  };
}

// ---- long conversations in the real webview --------------------------------

/** Clicks a conversation in the sidebar; ms until the frame showing `marker` is painted. */
const OPEN_SCRIPT = `
const [id, marker, done] = arguments;
const button = document.querySelector('[data-testid="conversation-item"][data-id="' + id + '"] button');
if (!button) return done({ error: "no sidebar item for " + id });
const start = performance.now();
button.click();
const check = () => {
  const list = document.querySelector('[data-testid="message-list"]');
  if (list && list.textContent.includes(marker)) {
    setTimeout(() => done({ ms: performance.now() - start }));
  } else if (performance.now() - start > 30000) {
    done({ error: "timed out waiting for " + marker });
  } else requestAnimationFrame(check);
};
requestAnimationFrame(check);`;

/**
 * Scrolls the message list to the top, 3 screens a frame ("fling") or in one
 * jump, and records the gaps between animation frames until it has stayed at
 * the top for 10 frames. WebKitGTK has no PerformanceObserver('longtask'):
 * a frame gap over 50 ms is a long task (or a slow frame) the user sees.
 */
const SCROLL_SCRIPT = `
const [mode, done] = arguments;
const list = document.querySelector('[data-testid="message-list"]');
if (!list) return done({ error: "no message list" });
const gaps = [];
const start = performance.now();
let last = start;
let still = 0;
if (mode === "jump") list.scrollTop = 0;
const step = () => {
  const now = performance.now();
  gaps.push(now - last);
  last = now;
  if (list.scrollTop <= 0) still++;
  else {
    still = 0;
    if (mode === "fling") list.scrollTop = Math.max(0, list.scrollTop - 3 * list.clientHeight);
  }
  if (still >= 10 || now - start > 100000) {
    return done({
      ms: now - start, frames: gaps.length, maxGap: Math.max(...gaps),
      over50: gaps.filter((g) => g > 50).length, reachedTop: list.scrollTop <= 0,
    });
  }
  requestAnimationFrame(step);
};
requestAnimationFrame(step);`;

const TO_BOTTOM_SCRIPT = `
const done = arguments[0];
const list = document.querySelector('[data-testid="message-list"]');
let n = 0;
const step = () => {
  list.scrollTop = list.scrollHeight;
  if (++n < 30) requestAnimationFrame(step); else done(true);
};
requestAnimationFrame(step);`;

/** Runs a page script with a callback; long ones (a slow fling) get two minutes. */
async function inPage(session, script, args = []) {
  return session.cmd("POST", "/execute/async", { script, args }, 130000);
}

function checked(result, what) {
  if (!result || result.error) throw new Error(`${what}: ${result?.error ?? "no result"}`);
  return result;
}

async function openPhase(template) {
  const dir = copyOf(template);
  const small = seed(dir, SMALL);
  const large = seed(dir, LARGE);
  const app = await startApp({
    dataDir: dir,
    name: "bench-open",
    env: { HALLEY_BENCH: newMarksFile() },
  });
  try {
    const { session } = app;
    await session.cmd("POST", "/timeouts", { script: 120000 });
    const pid = appPids(dir)[0];
    await session.waitFor(`[data-testid="conversation-item"][data-id="${large}"]`);
    await sleep(3000);
    const pssBefore = treeMemory(pid).mb;
    const smallOpen = checked(
      await inPage(session, OPEN_SCRIPT, [small, `(answer ${SMALL / 2})`]),
      "open the small conversation",
    );
    await sleep(3000);
    const pssAfterSmall = treeMemory(pid).mb;
    const largeOpen = checked(
      await inPage(session, OPEN_SCRIPT, [large, `(answer ${LARGE / 2})`]),
      "open the large conversation",
    );
    await sleep(1000);
    const fling = checked(await inPage(session, SCROLL_SCRIPT, ["fling"]), "fling to the top");
    await inPage(session, TO_BOTTOM_SCRIPT);
    await sleep(1000);
    const jump = checked(await inPage(session, SCROLL_SCRIPT, ["jump"]), "jump to the top");
    const pssAfterLarge = treeMemory(pid).mb;
    say(
      `open: ${SMALL} in ${smallOpen.ms.toFixed(0)} ms, ${LARGE} in ${largeOpen.ms.toFixed(0)} ms; ` +
        `fling max gap ${fling.maxGap.toFixed(0)} ms, jump max gap ${jump.maxGap.toFixed(0)} ms`,
    );
    return {
      smallCount: SMALL,
      largeCount: LARGE,
      small: smallOpen,
      large: largeOpen,
      fling,
      jump,
      pssBefore,
      pssAfterSmall,
      pssAfterLarge,
    };
  } finally {
    await app.stop();
  }
}

// ---- delta → paint latency and the soak ------------------------------------

/** A WebDriver session on a fresh copy of the template, model set to paced deltas. */
async function streamingApp(template, name, [count, rate]) {
  const marks = newMarksFile();
  const app = await startApp({ dataDir: copyOf(template), name, env: { HALLEY_BENCH: marks } });
  await setModel(app.session, `fault:paced-${count}-${rate}`);
  return { app, marks, pid: appPids(app.dataDir)[0] };
}

/** Sends one message and waits for its stream report (the `n`-th of this app). */
async function oneAnswer({ app, marks }, n, count, rate) {
  await send(app.session, `answer ${n + 1}`, { typed: false });
  const report = await waitForMarks(marks, streamReport(n), {
    timeout: (count / rate) * 1000 + 30000,
    everyMs: 100,
    what: `stream report ${n + 1}`,
  });
  await settledAnswer(app.session, { timeout: 30000 });
  return summarizeStream(report, count);
}

async function helloStream(runs, count, rate) {
  const marks = newMarksFile();
  const hello = launch(HELLO, {
    HALLEY_BENCH: marks,
    HALLEY_BENCH_STREAM: `${runs}x${count}@${rate}`,
  });
  return { hello, marks };
}

async function latencyPhase(template) {
  const result = {};
  for (const [key, [count, rate]] of Object.entries({ slow: PLAN.slow, fast: PLAN.fast })) {
    const halley = await streamingApp(template, `bench-${key}`, [count, rate]);
    let halleyStream;
    try {
      halleyStream = await oneAnswer(halley, 0, count, rate);
    } finally {
      await halley.app.stop();
    }
    const { hello, marks } = await helloStream(1, count, rate);
    let helloStreamResult;
    try {
      const report = await waitForMarks(marks, streamReport(0), {
        timeout: (count / rate) * 1000 + 30000,
        everyMs: 100,
        what: "hello stream report",
      });
      helloStreamResult = summarizeStream(report, count);
    } finally {
      await hello.stop();
    }
    say(
      `${count} deltas at ${rate}/s: Halley p95 ${halleyStream.p95.toFixed(1)} ms, lost ${halleyStream.lost}; ` +
        `hello p95 ${helloStreamResult.p95.toFixed(1)} ms, lost ${helloStreamResult.lost}`,
    );
    result[key] = { count, rate, halley: halleyStream, hello: helloStreamResult };
  }
  return result;
}

/** Memory and CPU of a process tree from now on. */
function meter(pid) {
  const startMb = treeMemory(pid).mb;
  const startTicks = treeTicks(pid);
  const startAt = Date.now();
  const series = [{ s: 0, mb: startMb }];
  const timer = setInterval(() => {
    series.push({ s: Math.round((Date.now() - startAt) / 1000), mb: treeMemory(pid).mb });
  }, 30000);
  return {
    /** CPU up to now (the streaming part), as a share of one core. */
    cpu() {
      const seconds = (Date.now() - startAt) / 1000;
      return ((treeTicks(pid) - startTicks) / TICKS_PER_SECOND / seconds) * 100;
    },
    finish(cpuPct) {
      clearInterval(timer);
      const endMb = treeMemory(pid).mb;
      series.push({ s: Math.round((Date.now() - startAt) / 1000), mb: endMb });
      return { startMb, endMb, driftMb: endMb - startMb, cpuPct, series };
    },
  };
}

const SOAK_ANSWER = [1000, 100]; // 10 s answers at 100 deltas/s
const SETTLE_MS = 5000;

async function soakHalley(template, seconds) {
  const [count, rate] = SOAK_ANSWER;
  const halley = await streamingApp(template, "bench-soak", SOAK_ANSWER);
  try {
    const end = Date.now() + seconds * 1000;
    const first = send(halley.app.session, "answer 1", { typed: false });
    await first;
    await sleep(SETTLE_MS); // baseline a few seconds into streaming, as for hello
    const m = meter(halley.pid);
    await waitForMarks(halley.marks, streamReport(0), { timeout: 60000, everyMs: 100 });
    await settledAnswer(halley.app.session, { timeout: 30000 });
    let n = 1;
    let lost = 0;
    while (Date.now() < end) {
      lost += (await oneAnswer(halley, n, count, rate)).lost;
      n++;
    }
    const cpuPct = m.cpu();
    await sleep(SETTLE_MS);
    return { ...m.finish(cpuPct), answers: n, lost };
  } finally {
    await halley.app.stop();
  }
}

async function soakHello(seconds) {
  const [count, rate] = SOAK_ANSWER;
  const runs = Math.max(1, Math.ceil(seconds / (count / rate)));
  const { hello, marks } = await helloStream(runs, count, rate);
  try {
    await waitForMarks(marks, markTime("first-paint"), { what: "hello first paint" });
    await sleep(SETTLE_MS);
    const m = meter(hello.pid);
    await waitForMarks(marks, streamReport(runs - 1), {
      timeout: seconds * 1000 + 120000,
      everyMs: 500,
      what: "the hello soak's last stream",
    });
    const cpuPct = m.cpu();
    await sleep(SETTLE_MS);
    const lost = readMarks(marks)
      .filter((l) => l.stream)
      .reduce((sum, l) => sum + (count - l.stream.echoed), 0);
    return { ...m.finish(cpuPct), answers: runs, lost };
  } finally {
    await hello.stop();
  }
}

async function soakPhase(template) {
  const seconds = PLAN.soakSeconds;
  say(`soak: ${seconds} s, Halley and hello-world side by side`);
  const [halley, hello] = await Promise.all([soakHalley(template, seconds), soakHello(seconds)]);
  say(
    `soak: Halley drift ${halley.driftMb.toFixed(1)} MB, CPU ${halley.cpuPct.toFixed(1)} %; ` +
      `hello drift ${hello.driftMb.toFixed(1)} MB, CPU ${hello.cpuPct.toFixed(1)} %`,
  );
  return { seconds, halley, hello };
}

// ---- the run -----------------------------------------------------------------

const began = Date.now();
const result = {
  when: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
  mode: quick ? "quick" : "full",
  load: { start: loadAverage() },
  // The profile folder each binary came from (release unless overridden).
  builds: { halley: basename(dirname(APP)), hello: basename(dirname(HELLO)) },
};
const failures = [];
const mock = await startMock();
try {
  say(`Halley ${APP}\n  hello-world ${HELLO}\n  mock ${mock.baseUrl}`);
  const template = await prepareTemplate(mock);
  // A phase that cannot run is reported and the others still run.
  const phase = async (key, run) => {
    try {
      result[key] = await run(template);
    } catch (error) {
      failures.push(`${key}: ${error.message}`);
      say(`${key} FAILED: ${error.stack}`);
    }
  };
  await phase("start", startPhase);
  await phase("open", openPhase);
  await phase("stream", latencyPhase);
  await phase("soak", soakPhase);
} finally {
  await mock.stop();
  result.load.end = loadAverage();
  result.minutes = (Date.now() - began) / 60000;
  writeFileSync(join(process.env.ARTIFACTS, "bench.json"), JSON.stringify(result, null, 2));
  rmSync(work, { recursive: true, force: true });
}

const section = markdown(result);
console.log(section);
if (failures.length) {
  console.error(`phases that did not run: ${failures.join("; ")}`);
  process.exitCode = 1;
}
if (append && !failures.length) {
  // Into the ./x bench section when its marker is there, else at the end.
  const doc = join(ROOT, "docs", "performance.md");
  const text = readFileSync(doc, "utf8");
  const at = text.indexOf(RUNS_MARKER);
  if (at < 0) appendFileSync(doc, `\n${section}`);
  else writeFileSync(doc, `${text.slice(0, at)}${section}\n${text.slice(at)}`);
  say("added to docs/performance.md");
}
