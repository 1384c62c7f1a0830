// Starts the real pieces for an end-to-end test: halley-mock on loopback,
// tauri-driver (which starts WebKitWebDriver, which starts the app binary),
// each with a fresh data folder unless one is given.
import { spawn } from "node:child_process";
import { test as nodeTest } from "node:test";
import {
  closeSync,
  mkdtempSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  writeSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Session, sleep } from "./webdriver.mjs";

export const ROOT = resolve(import.meta.dirname, "../../..");
export const TARGET = process.env.CARGO_TARGET_DIR || join(ROOT, "target");
// HALLEY_E2E_APP: another build of the app, e.g. the copy a .deb installed
// (tests/installed/deb.sh).
export const APP = process.env.HALLEY_E2E_APP || join(TARGET, "debug", "halley");
export const MOCK = join(TARGET, "debug", "halley-mock");
export const ARTIFACTS = join(process.env.ARTIFACTS || join(ROOT, "artifacts"), "e2e");
mkdirSync(ARTIFACTS, { recursive: true });

export function freshDataDir() {
  return mkdtempSync(join(tmpdir(), "halley-e2e-"));
}

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
    server.on("error", fail);
  });
}

/**
 * Every end-to-end test has its own time limit, so a hang fails with the
 * test's name. The runner's --test-timeout is the limit for a whole file.
 */
export const TEST_TIMEOUT_MS = 180_000;
export function test(name, fn) {
  return nodeTest(name, { timeout: TEST_TIMEOUT_MS }, fn);
}

/**
 * A log file descriptor handed straight to a child. Not a pipe through this
 * process: the app is a grandchild (tauri-driver → WebKitWebDriver → app) and
 * inherits the descriptor, so a pipe would keep this test file's process
 * alive for as long as any straggler lives.
 */
function logFd(name) {
  return openSync(join(ARTIFACTS, `${name}.log`), "a");
}

/** Notes a teardown step with the time, so a slow one can be found in the log. */
function note(fd, what) {
  try {
    const line = `[e2e ${new Date().toISOString()}] ${what}\n`;
    writeSync(fd, line);
  } catch {
    /* the log is a help, never a failure */
  }
}

const alive = (child) => child.exitCode === null && child.signalCode === null;

/** SIGTERM, then SIGKILL if `child` has not exited within `graceMs`. */
async function stopChild(child, graceMs = 5000) {
  if (!alive(child)) return;
  const exited = new Promise((r) => child.once("exit", r).once("error", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => alive(child) && child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Pids of the app binary running on `dataDir` (read from /proc, so only ours). */
export function appPids(dataDir) {
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/exe`) !== APP) continue;
      const environ = readFileSync(`/proc/${entry}/environ`, "latin1").split("\0");
      if (environ.includes(`HALLEY_DATA_DIR=${dataDir}`)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked, or is not ours to read.
    }
  }
  return pids;
}

/**
 * Ends any app process still running on `dataDir` once its driver is gone:
 * SIGTERM, then SIGKILL after `graceMs`. Returns how many were left over.
 */
async function reapApps(dataDir, graceMs = 5000) {
  const left = appPids(dataDir);
  for (const pid of left) signal(pid, "SIGTERM");
  const end = Date.now() + graceMs;
  while (appPids(dataDir).length && Date.now() < end) await sleep(100);
  for (const pid of appPids(dataDir)) signal(pid, "SIGKILL");
  return left.length;
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    /* already gone */
  }
}

/** Starts halley-mock; resolves with its base URL once it printed it. */
export async function startMock(args = [], { port = 0 } = {}) {
  const log = logFd("mock");
  // stdout is a pipe only to read the address; the mock starts no children.
  const child = spawn(MOCK, ["--port", String(port), ...args], {
    stdio: ["ignore", "pipe", log],
  });
  closeSync(log);
  const baseUrl = await new Promise((ok, fail) => {
    let buffer = "";
    const timer = setTimeout(() => fail(new Error("halley-mock did not start")), 10000);
    child.stdout.on("data", (chunk) => {
      buffer += chunk;
      const match = buffer.match(/listening on (\S+)/);
      if (match) {
        clearTimeout(timer);
        ok(match[1]);
      }
    });
    child.on("exit", (code) => fail(new Error(`halley-mock exited (${code})`)));
  });
  return {
    baseUrl,
    port: Number(new URL(baseUrl).port),
    async stop() {
      child.stdout.destroy();
      await stopChild(child);
    },
  };
}

/**
 * Fails fast, with the reason, when the Secret Service would prompt: the app
 * blocks on the keyring at startup, so a locked keyring looks like a hang.
 */
let keyringChecked = false;
async function checkKeyring() {
  if (keyringChecked) return;
  const probe = spawn(
    "secret-tool",
    ["store", "--label=halley-e2e-probe", "service", "halley-e2e-probe"],
    {
      stdio: ["pipe", "ignore", "ignore"],
    },
  );
  probe.stdin.end("probe");
  const code = await new Promise((ok) => {
    const timer = setTimeout(() => {
      probe.kill("SIGKILL");
      ok("timeout");
    }, 8000);
    probe.once("exit", (c) => {
      clearTimeout(timer);
      ok(c);
    });
    probe.once("error", () => ok("error"));
  });
  if (code !== 0) {
    throw new Error(
      `the Secret Service is not usable without a prompt (secret-tool store: ${code}); ` +
        "run the suite with tests/e2e/run.sh, which starts an unlocked keyring in a private folder",
    );
  }
  keyringChecked = true;
}

/** The app's own start-up update check must never leave the machine in a test. */
const NO_UPDATE_SERVER = "http://127.0.0.1:9/latest.json";

/** What a started app shows once its UI is up: the composer or the first-run screen. */
export const APP_READY =
  '[data-testid="composer-input"], [data-testid="api-key-input"], [data-testid="startup-problem"]';

/**
 * Starts the app through tauri-driver with `env` added (HALLEY_DATA_DIR is
 * always set, to `dataDir` or a fresh folder). Returns the WebDriver session.
 * `ready` is what to wait for.
 */
export async function startApp({
  dataDir = freshDataDir(),
  env = {},
  name = "app",
  ready = APP_READY,
} = {}) {
  await checkKeyring();
  const port = await freePort();
  const nativePort = await freePort();
  const log = logFd(name);
  const say = (what) => note(log, `${name}: ${what}`);
  const driver = spawn(
    "tauri-driver",
    ["--port", String(port), "--native-port", String(nativePort)],
    {
      env: {
        ...process.env,
        HALLEY_DATA_DIR: dataDir,
        HALLEY_LOG: "info",
        HALLEY_UPDATE_ENDPOINT: NO_UPDATE_SERVER,
        // Tests read the requests their own turns send; the probe Halley
        // starts by itself would add a dozen. capabilities.test.mjs turns
        // it back on (`HALLEY_TEST_NO_AUTO_PROBE: ""`).
        HALLEY_TEST_NO_AUTO_PROBE: "1",
        ...env,
      },
      stdio: ["ignore", log, log],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${url}/status`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (i > 100) throw new Error("tauri-driver did not start");
    await sleep(100);
  }
  // Every step is bounded: a teardown that waits forever hangs the whole file.
  const stopAll = async () => {
    say("stopping: tauri-driver");
    await stopChild(driver);
    const left = await reapApps(dataDir);
    say(`stopped (${left} app process(es) were left over and ended)`);
    closeSync(log);
  };
  let session;
  try {
    const started = Date.now();
    say("driver up; starting the app");
    session = await Session.start(url, APP);
    say(`session started after ${Date.now() - started} ms`);
    // The window exists before the UI is mounted: wait for the composer or setup.
    await session.waitFor(ready, { timeout: 30000 });
  } catch (error) {
    // A live tauri-driver child would keep this test file's process (and the run) alive.
    await session?.quit().catch(() => {});
    await stopAll();
    throw error;
  }
  let stopped = false;
  say("UI mounted");
  return {
    session,
    dataDir,
    log: join(ARTIFACTS, `${name}.log`),
    async stop() {
      if (stopped) return;
      stopped = true;
      say("stopping: WebDriver session");
      // Closing the session closes the window and so ends the app; if the
      // driver is wedged, the kill below still ends everything.
      await session.quit().catch((e) => say(`session quit: ${e}`));
      await stopAll();
    },
  };
}

export function shot(name) {
  return join(ARTIFACTS, `${name}.png`);
}
