// MCP servers in Settings, in the real app: paste an mcpServers config for
// the real server-filesystem (npm, tests/mcp), see it start and list its
// tools; a server that does not exist shows why; quitting the app leaves
// no server process behind (read from /proc). Then the tools in chat, with
// halley-mock as the model: the call waits on its approval card, the file's
// content goes back as function_call_output and the answer uses it; "always
// allow" skips the card from then on (and Settings can revoke it); a tool
// that times out is an error on its step and the turn goes on; and the
// Playground's inspector runs a tool from the form made from its schema.
import { after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, TARGET, appPids, startApp, startMock, shot, test } from "./lib/harness.mjs";
import { send, settledAnswer, setupFresh, tid } from "./lib/chat.mjs";
import { expectAccessible } from "./lib/a11y.mjs";
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

/** Waits for the approval card of the running turn; returns its arguments' text. */
async function approvalCard(session) {
  const card = await session.waitFor(tid("approval-card"), { timeout: 30000 });
  return (await card.find(tid("approval-arguments"))).text();
}

test("chat calls server-filesystem after approval, always-allow skips the card, a timeout is an error on its step, the inspector runs a tool", async () => {
  assert.ok(existsSync(FILESYSTEM), `server-filesystem is installed: ${FILESYSTEM}`);
  assert.ok(existsSync(STUBBORN), `the test server is built: ${STUBBORN}`);
  const folder = mkdtempSync(join(tmpdir(), "halley-e2e-mcp-chat-"));
  const file = join(folder, "notes.txt");
  writeFileSync(file, "heliotrope\n");
  await mock?.stop();
  mock = await startMock();
  // The debug build's hook: a tool call gives up after 3 s, not 2 minutes.
  app = await startApp({
    name: "mcp-chat",
    env: { HALLEY_MCP_CALL_LIMIT_MS: "3000" },
  });
  const { session } = app;
  await setupFresh(app, { baseUrl: mock.baseUrl });
  await (await session.find(tid("settings-button"))).click();
  await session.waitFor(tid("mcp-settings"));
  await (await session.find("details.import summary")).click();
  const config = {
    mcpServers: {
      files: { command: "node", args: [FILESYSTEM, folder] },
      slow: { command: STUBBORN },
      missing: { command: "halley-e2e-no-such-command" },
    },
  };
  await (await session.find(tid("mcp-import-text"))).type(JSON.stringify(config));
  await (await session.find(tid("mcp-import-button"))).click();
  await session.waitFor(tid("mcp-import-note"));
  await (await session.find("button.close")).click();
  await session.until(async () => (await session.findAll(tid("mcp-settings"))).length === 0, {
    what: "settings closed",
  });

  // The composer's tools menu: this conversation may use both servers.
  await (await session.find(tid("tools-menu-button"))).click();
  for (const name of ["files", "slow", "missing"]) {
    await (await session.waitFor(`${tid("composer-mcp-server")}[data-name="${name}"]`)).click();
  }
  await (await session.find(tid("tools-menu-button"))).click();
  const read = `call:files__read_text_file ${JSON.stringify({ path: file })}`;

  // 1. Asked, shown with its exact arguments, allowed once.
  let before = await send(session, read, { typed: false });
  const args = await approvalCard(session);
  assert.match(args, /"path": ".*notes\.txt"/, "the card shows the exact arguments");
  const card = await session.find(tid("approval-card"));
  assert.match(await card.text(), /files/, "the card names the server");
  assert.match(await card.text(), /read_text_file/, "and the tool");
  await session.screenshot(shot("mcp-approval"));
  await expectAccessible(session, "mcp-approval");
  await (await session.find(tid("approve-once"))).click();
  let answer = await settledAnswer(session, { after: before, timeout: 60000 });
  assert.equal(answer.status, "complete");
  // The echo model answers "Got outputs: …" from the function_call_output
  // items of the request it received: the file's content went back to it.
  assert.match(answer.text, /^Got outputs: heliotrope/);
  // A chosen server that cannot start is said beside the answer; the turn ran without it.
  const notes = await answer.el.find(tid("turn-notes"));
  assert.ok(notes, "a note says which server's tools were not offered");
  assert.match(await notes.text(), /missing.*was not found/s);
  const step = await answer.el.find(tid("tool-step"));
  assert.equal(await step.attribute("data-status"), "done");
  await (await step.find("summary")).click();
  await session.screenshot(shot("mcp-tool-step"));
  await expectAccessible(session, "mcp-tool-step");

  // 2. "Always allow" once, and 3. no card any more.
  before = await send(session, read, { typed: false });
  await approvalCard(session);
  await (await session.find(tid("approve-always"))).click();
  answer = await settledAnswer(session, { after: before, timeout: 60000 });
  assert.match(answer.text, /^Got outputs: heliotrope/);
  before = await send(session, read, { typed: false });
  let sawCard = false;
  answer = await session.until(
    async () => {
      if ((await session.findAll(tid("approval-card"))).length > 0) sawCard = true;
      const all = await session.findAll(tid("message-assistant"));
      if (all.length <= before) return null;
      const last = all[all.length - 1];
      if ((await last.attribute("data-status")) === "streaming") return null;
      return (await last.find(".markdown"))?.text();
    },
    { timeout: 60000, what: "the allowed call's answer" },
  );
  assert.equal(sawCard, false, "an always-allowed tool shows no card");
  assert.match(answer, /^Got outputs: heliotrope/);

  // 4. A tool that does not answer in time: an error on its step, the turn goes on.
  before = await send(session, `call:slow__sleep ${JSON.stringify({ ms: 20000 })}`, {
    typed: false,
  });
  await approvalCard(session);
  await (await session.find(tid("approve-once"))).click();
  answer = await settledAnswer(session, { after: before, timeout: 60000 });
  assert.equal(answer.status, "complete", "the turn goes on after the tool failed");
  assert.match(answer.text, /^Got outputs: The tool call failed: /);
  const failed = await answer.el.find(`${tid("tool-step")}[data-status="failed"]`);
  assert.ok(failed, "the step is marked failed");
  assert.match(await (await failed.find(tid("tool-step-error"))).text(), /3 s|did not answer/);

  // Settings lists the remembered permission and revokes it.
  await (await session.find(tid("settings-button"))).click();
  const permission = await session.waitFor(`${tid("mcp-permission")}[data-tool="read_text_file"]`);
  await (await permission.find(tid("mcp-permission-revoke"))).click();
  await session.until(async () => (await session.findAll(tid("mcp-permission"))).length === 0, {
    what: "the permission revoked",
  });
  await (await session.find("button.close")).click();

  // 5. The inspector: a form from read_text_file's schema, run by hand.
  await (await session.find(tid("mode-playground"))).click();
  const inspector = await session.waitFor(tid("mcp-inspector"));
  await (await inspector.find("summary")).click();
  await session.waitFor(tid("inspector-server"));
  // A <select> is set as a user's choice would set it: value, then change.
  const choose = (testid, pick) =>
    session.execute(
      `const el = document.querySelector('[data-testid="' + arguments[0] + '"]');
       const option = [...el.options].find((o) => o.textContent.trim() === arguments[1]);
       el.value = option.value;
       el.dispatchEvent(new Event("change", { bubbles: true }));
       return option.value;`,
      [testid, pick],
    );
  await choose("inspector-server", "files");
  await session.waitFor(tid("inspector-tool"), { timeout: 30000 });
  await choose("inspector-tool", "read_text_file");
  const field = await session.waitFor(`${tid("inspector-field")}[data-name="path"] input`);
  await field.type(file);
  await (await session.find(tid("inspector-run"))).click();
  const outcome = await session.waitFor(tid("inspector-outcome"), {
    timeout: 30000,
  });
  assert.match(await outcome.text(), /heliotrope/, "the tool ran with the form's arguments");
  assert.match(await (await session.find(tid("inspector-timing"))).text(), /ms/);
  await session.execute(
    "document.querySelector('[data-testid=inspector-outcome]').scrollIntoView({ block: 'end' }); return null;",
  );
  await session.screenshot(shot("mcp-inspector"));
  await expectAccessible(session, "mcp-inspector");

  // 6. Force the tool on the next turn, and run it through the model: the
  // request carries the local tool and tool_choice; the call waits for the
  // user, runs on the server, and its output goes back by itself.
  await (await session.find(tid("inspector-force"))).click();
  const forced = await session.waitFor(tid("inspector-forced"), { timeout: 30000 });
  assert.match(await forced.text(), /files__read_text_file/);
  await session.execute(
    `const set = (id, value) => {
       const el = document.querySelector('[data-testid="' + id + '"]');
       const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
       Object.getOwnPropertyDescriptor(proto, "value").set.call(el, value);
       el.dispatchEvent(new Event("input", { bubbles: true }));
     };
     set("pg-model", "echo");
     set("pg-message-text", arguments[0]);
     return null;`,
    [read],
  );
  const preview = await session.execute(
    "return document.querySelector('[data-testid=pg-output]') ? document.body.innerText : '';",
  );
  assert.match(preview, /"tool_choice"/, "the request preview forces the tool");
  await (await session.find(tid("pg-run"))).click();
  const local = await session.waitFor(tid("pg-local-mcp-call"), { timeout: 30000 });
  assert.match(await local.text(), /read_text_file/);
  await (await local.find(tid("pg-local-mcp-always"))).click();
  const answered = (pattern) =>
    session.until(
      async () => {
        const cards = await session.execute(
          "return [...document.querySelectorAll('[data-testid=pg-output-item]')].map((e) => e.innerText).join('\\n');",
        );
        return pattern.test(cards);
      },
      { timeout: 30000, what: "the Playground's answer to the tool output" },
    );
  await answered(/Got outputs: heliotrope/);
  // Allowed from now on, in the Playground as in chat: the next run's call
  // (another file, so its answer cannot be the last one's) runs without a click.
  const other = join(folder, "other.txt");
  writeFileSync(other, "marigold\n");
  await session.execute(
    `const el = document.querySelector('[data-testid="pg-message-text"]');
     Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set.call(el, arguments[0]);
     el.dispatchEvent(new Event("input", { bubbles: true }));
     return null;`,
    [`call:files__read_text_file ${JSON.stringify({ path: other })}`],
  );
  // Run comes back once the last run has finished (Stop stands in for it
  // meanwhile), which can be a moment after its answer shows.
  await (await session.waitFor(tid("pg-run"))).click();
  await answered(/Got outputs: marigold/);
  assert.equal(
    (await session.findAll(tid("pg-local-mcp-run"))).length,
    0,
    "no card waits for a click",
  );
});
