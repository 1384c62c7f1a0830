// MCP servers in Settings, in the real app: paste an mcpServers config for
// the real server-filesystem (npm, tests/mcp), see it start and list its
// tools; a server that does not exist shows why; quitting the app leaves
// no server process behind (read from /proc).
import { after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, TARGET, appPids, startApp, startMock, shot, test } from "./lib/harness.mjs";
import { setupFresh, tid } from "./lib/chat.mjs";
import { sleep } from "./lib/webdriver.mjs";

const FILESYSTEM = join(
  ROOT,
  "tests/mcp/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js",
);

// Halley's own test server, run so that it ignores stdin closing and SIGTERM:
// only the app's SIGKILL to its process group ends it.
const STUBBORN = join(TARGET, "debug", "halley-mcp-test-server");

let app;
let mock;
after(async () => {
  await app?.stop();
  await mock?.stop();
});

/** Pids of live processes whose command line mentions `needle`. */
function processesWith(needle) {
  const found = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "latin1").replaceAll("\0", " ");
      const state = readFileSync(`/proc/${entry}/stat`, "latin1").split(") ")[1]?.[0];
      if (cmdline.includes(needle) && state !== "Z") found.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

test("a pasted mcpServers config starts server-filesystem, lists its tools, and quitting stops it", async () => {
  assert.ok(
    existsSync(FILESYSTEM),
    `server-filesystem is installed (npm ci in tests/mcp): ${FILESYSTEM}`,
  );
  assert.ok(
    existsSync(STUBBORN),
    `the test server is built (cargo build -p halley-mcp): ${STUBBORN}`,
  );
  const folder = mkdtempSync(join(tmpdir(), "halley-e2e-mcp-"));
  writeFileSync(join(folder, "notes.txt"), "heliotrope\n");
  mock = await startMock();
  app = await startApp({ name: "mcp" });
  const { session } = app;
  await setupFresh(app, { baseUrl: mock.baseUrl });
  await (await session.find(tid("settings-button"))).click();
  const settings = await session.waitFor(tid("mcp-settings"));
  await (await settings.find("details.import summary")).click();
  const config = {
    mcpServers: {
      files: { command: "node", args: [FILESYSTEM, folder] },
      missing: { command: "halley-e2e-no-such-command" },
      stubborn: {
        command: STUBBORN,
        args: ["--ignore-term", "--linger"],
        cwd: folder,
      },
      old: { type: "sse", url: "https://mcp.example.com/sse" },
    },
  };
  await (await session.find(tid("mcp-import-text"))).type(JSON.stringify(config));
  await (await session.find(tid("mcp-import-button"))).click();
  // Two added, the SSE one refused by name with the reason.
  await session.until(async () => (await session.findAll(tid("mcp-import-note"))).length === 2, {
    what: "import notes",
  });
  const notes = await Promise.all(
    (await session.findAll(tid("mcp-import-note"))).map((n) => n.text()),
  );
  assert.match(notes[0], /Added 3 servers/);
  assert.match(notes[1], /^old: .*SSE/);

  const files = await session.waitFor(`${tid("mcp-server")}[data-name="files"]`);
  await (await files.find(tid("mcp-server-tools"))).click();
  const tool = await session.waitFor(`${tid("mcp-tool")}[data-name="read_text_file"]`, {
    timeout: 30000,
  });
  assert.ok(tool, "read_text_file is listed");
  await session.until(
    async () =>
      (await (await files.find(tid("mcp-server-state"))).attribute("data-state")) === "ready",
    { what: "files ready" },
  );
  const running = processesWith(folder);
  assert.ok(running.length > 0, "the server runs (found in /proc)");
  const stubborn = await session.find(`${tid("mcp-server")}[data-name="stubborn"]`);
  await (await stubborn.find(tid("mcp-server-tools"))).click();
  await session.until(
    async () =>
      (await (await stubborn.find(tid("mcp-server-state"))).attribute("data-state")) === "ready",
    { what: "stubborn ready" },
  );
  assert.ok(
    processesWith(`${STUBBORN} --ignore-term --linger`).length > 0,
    "the stubborn server runs",
  );
  const missing = await session.find(`${tid("mcp-server")}[data-name="missing"]`);
  await (await missing.find(tid("mcp-server-tools"))).click();
  const error = await session.waitFor(tid("mcp-server-error"));
  assert.match(await error.text(), /was not found/);
  assert.equal((await session.findAll(tid("mcp-server-error"))).length, 1, "said once");

  // The list with the stubborn server's tools open: the picture for the docs.
  await (await files.find(tid("mcp-server-tools"))).click();
  await (await missing.find(tid("mcp-server-tools"))).click();
  await session.execute(
    "document.querySelector('[data-testid=mcp-settings]').scrollIntoView(); return null;",
  );
  await session.screenshot(shot("mcp-settings"));

  // Quit as the app's own Quit does (app_quit → RunEvent::Exit): the app
  // stops every server on its way out, the stubborn one with SIGKILL.
  await session
    .execute("window.__TAURI_INTERNALS__.invoke('app_quit'); return null;")
    .catch(() => {});
  for (let i = 0; i < 100 && appPids(app.dataDir).length > 0; i++) await sleep(100);
  assert.deepEqual(appPids(app.dataDir), [], "the app exited by itself");
  assert.deepEqual(processesWith(folder), [], "no server process survives the app");
  assert.deepEqual(processesWith(STUBBORN), [], "not even one that ignores stdin and SIGTERM");
  await app.stop();
  app = null;
});
