// Starts the real pieces for an end-to-end test: halley-mock on loopback,
// tauri-driver (which starts WebKitWebDriver, which starts the app binary),
// each with a fresh data folder unless one is given.
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, createWriteStream } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Session, sleep } from "./webdriver.mjs";

export const ROOT = resolve(import.meta.dirname, "../../..");
const TARGET = process.env.CARGO_TARGET_DIR || join(ROOT, "target");
export const APP = join(TARGET, "debug", "halley");
export const MOCK = join(TARGET, "debug", "halley-mock");
export const ARTIFACTS = join(
  process.env.ARTIFACTS || join(ROOT, "artifacts"),
  "e2e",
);
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

function logTo(name) {
  return createWriteStream(join(ARTIFACTS, `${name}.log`), { flags: "a" });
}

/** Starts halley-mock; resolves with its base URL once it printed it. */
export async function startMock(args = [], { port = 0 } = {}) {
  const child = spawn(MOCK, ["--port", String(port), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr.pipe(logTo("mock"));
  const baseUrl = await new Promise((ok, fail) => {
    let buffer = "";
    const timer = setTimeout(
      () => fail(new Error("halley-mock did not start")),
      10000,
    );
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
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
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

/**
 * Starts the app through tauri-driver with `env` added (HALLEY_DATA_DIR is
 * always set, to `dataDir` or a fresh folder). Returns the WebDriver session.
 */
export async function startApp({
  dataDir = freshDataDir(),
  env = {},
  name = "app",
} = {}) {
  await checkKeyring();
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn(
    "tauri-driver",
    ["--port", String(port), "--native-port", String(nativePort)],
    {
      env: {
        ...process.env,
        HALLEY_DATA_DIR: dataDir,
        HALLEY_LOG: "info",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const log = logTo(name);
  driver.stdout.pipe(log);
  driver.stderr.pipe(log);
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
  const stopDriver = async () => {
    if (driver.exitCode !== null || driver.signalCode !== null) return;
    const exited = new Promise((r) => driver.once("exit", r).once("error", r));
    driver.kill("SIGTERM");
    await exited;
  };
  let session;
  try {
    session = await Session.start(url, APP);
    // The window exists before the UI is mounted: wait for the composer or setup.
    await session.waitFor(
      '[data-testid="composer-input"], [data-testid="api-key-input"]',
      {
        timeout: 30000,
      },
    );
  } catch (error) {
    // A live tauri-driver child would keep this test file's process (and the run) alive.
    await session?.quit();
    await stopDriver();
    throw error;
  }
  return {
    session,
    dataDir,
    async stop() {
      await session.quit();
      await stopDriver();
    },
  };
}

export function shot(name) {
  return join(ARTIFACTS, `${name}.png`);
}
