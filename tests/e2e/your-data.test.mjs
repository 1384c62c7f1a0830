// Settings → Your data in the real app: a backup made with "Back up now",
// the data folder wiped, the backup restored (replace) with everything back,
// then restored twice more (merge) without a single duplicate; a ChatGPT
// export (the real-shaped one tests/chatgpt-export/make.mjs writes) imported
// and shown with its branches; and bad files (a cut-off backup, an export
// with a conversation missing its tree) refused in English and Vietnamese
// with nothing of the current data changed.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, freshDataDir, shot, startApp, startMock, test } from "./lib/harness.mjs";
import { newChat, send, setModel, setupFresh, settledAnswer, tid } from "./lib/chat.mjs";

const exportDir = mkdtempSync(join(tmpdir(), "halley-e2e-your-data-"));
const dataDir = freshDataDir();
const chatgptExport = join(ROOT, "tests", "chatgpt-export", "conversations.json");
let mock;
let app;
let session;

before(async () => {
  mock = await startMock([]);
});

after(async () => {
  await app?.stop();
  await mock?.stop();
});

async function start(name) {
  app = await startApp({ dataDir, env: { HALLEY_EXPORT_DIR: exportDir }, name });
  session = app.session;
}

/** Asks the running app over its own IPC, as the UI does. */
function invoke(command, args = {}) {
  return session.execute("return window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]);", [
    command,
    args,
  ]);
}

async function conversationTitles() {
  const list = await invoke("list_conversations");
  return list.map((c) => c.title).sort();
}

/** Every conversation with the text of every message, for "everything is back". */
async function everything() {
  const list = await invoke("list_conversations");
  const out = [];
  for (const c of list) {
    const view = await invoke("get_conversation", { id: c.id });
    out.push({
      id: c.id,
      title: c.title,
      messages: view.messages.map((m) => [m.id, m.role, m.text]),
    });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

async function openYourData() {
  if (!(await session.find(tid("your-data")))) {
    await (await session.find(tid("settings-button"))).click();
  }
  await session.waitFor(tid("your-data"));
  await session.execute(
    "document.querySelector('[data-testid=\"your-data-settings\"]').scrollIntoView();",
  );
}

/** The section's outcome once nothing is busy: {status} or {error, code}. */
async function outcome() {
  return session.until(
    async () => {
      if (await session.find(tid("data-busy"))) return null;
      const error = await session.find(tid("data-error"));
      if (error) return { error: await error.text(), code: await error.attribute("data-code") };
      const status = await session.find(tid("data-status"));
      return status ? { status: await status.text() } : null;
    },
    { timeout: 30000, what: "the Your data section to say what happened" },
  );
}

async function closeSettings() {
  // By script: the button may sit under the section's last status line.
  await session.execute("document.querySelector('[data-testid=\"settings-close\"]')?.click();");
  await session.until(async () => (await session.find(tid("your-data"))) === null, {
    what: "Settings to close",
  });
}

async function restoreFile(path, mode, { screenshot = null } = {}) {
  await openYourData();
  // WebDriver "send keys" to <input type=file> sets its files, as picking one would.
  await (await session.find(tid("data-restore-file"))).type(path);
  await session.waitFor(tid("data-restore-confirm"));
  if (mode === "replace") await (await session.find(tid("data-mode-replace"))).click();
  if (screenshot) {
    await session.execute(
      "document.querySelector('[data-testid=\"data-restore-confirm\"]').scrollIntoView({ block: 'center' });",
    );
    await session.screenshot(shot(screenshot));
  }
  await (await session.find(tid("data-restore-go"))).click();
  return outcome();
}

test("a backup restored over a wiped data folder brings everything back; restoring it again adds nothing", async () => {
  await start("your-data-first");
  await setupFresh(app, { baseUrl: mock.baseUrl });
  await setModel(session, "echo");
  for (const words of ["the first conversation to keep", "the second conversation to keep"]) {
    await newChat(session);
    const before = await send(session, words);
    const answer = await settledAnswer(session, { after: before });
    assert.equal(answer.status, "complete", words);
  }
  await openYourData();
  await (await session.find(`${tid("theme-select")} option[value="dark"]`)).click();
  const providersBefore = (await invoke("list_providers")).map((p) => [p.id, p.name, p.baseUrl]);
  const before = await everything();
  assert.equal(before.length, 2);

  await (await session.find(tid("data-backup-now"))).click();
  const backedUp = await outcome();
  assert.ok(backedUp.status, JSON.stringify(backedUp));
  assert.match(backedUp.status, /conversations: 2, messages: 4/);
  const backups = readdirSync(exportDir).filter((f) => f.startsWith("halley-backup-"));
  assert.equal(backups.length, 1, `one backup in the export folder: ${backups}`);
  const backup = join(exportDir, backups[0]);
  assert.ok(backedUp.status.includes(backup), "the section says where the file went");
  await session.screenshot(shot("your-data-backup"));
  await app.stop();

  // Everything in the data folder goes: a new computer, or a lost disk.
  rmSync(dataDir, { recursive: true, force: true });
  await start("your-data-wiped");
  await setupFresh(app, { baseUrl: mock.baseUrl });
  assert.deepEqual(await conversationTitles(), [], "the wiped folder starts empty");

  const replaced = await restoreFile(backup, "replace", {
    screenshot: "your-data-restore-confirm",
  });
  assert.ok(replaced.status, JSON.stringify(replaced));
  assert.match(replaced.status, /^Restored\./);
  assert.deepEqual(await everything(), before, "every conversation and message, ids included");
  assert.deepEqual(
    (await invoke("list_providers")).map((p) => [p.id, p.name, p.baseUrl]),
    providersBefore,
    "the providers are the backed-up ones",
  );
  assert.equal(
    await session.execute("return document.documentElement.dataset.theme ?? null;"),
    "dark",
    "the settings came back and apply at once",
  );
  const sidebar = await session.findAll(tid("conversation-item"));
  assert.equal(sidebar.length, 2, "the sidebar lists what was restored");

  for (const round of [1, 2]) {
    const merged = await restoreFile(backup, "merge");
    assert.ok(merged.status, JSON.stringify(merged));
    assert.match(merged.status, /nothing new/, `merge #${round} adds nothing`);
    assert.deepEqual(await everything(), before, `no duplicates after merge #${round}`);
  }
  await session.screenshot(shot("your-data-restored"));
  await closeSettings();
});

test("a ChatGPT export comes in with its branches, and importing it again adds nothing", async () => {
  await openYourData();
  await (await session.find(tid("data-import-chatgpt"))).type(chatgptExport);
  const imported = await outcome();
  assert.ok(imported.status, JSON.stringify(imported));
  assert.match(imported.status, /Imported 5 conversations/);
  assert.match(imported.status, /images \(1\)/, "the image not in conversations.json is said");
  await closeSettings();

  // The import opens the first conversation of the file on the branch ChatGPT showed.
  await session.until(
    async () => {
      const users = await session.findAll(tid("message-user"));
      return users.length === 2 ? users : null;
    },
    { what: "the imported conversation to open" },
  );
  const page = await session.execute("return document.querySelector('main')?.innerText ?? '';");
  assert.ok(page.includes("How does it hunt underwater?"), "the edited question is shown");
  assert.ok(page.includes("electric fields"), "the regenerated answer is shown");
  const positions = await session.execute(
    `return [...document.querySelectorAll('[data-testid="branch-position"]')].map((e) => e.textContent.trim());`,
  );
  assert.deepEqual(positions, ["2/2", "2/2"], "the edit and the regeneration are branches");
  await session.screenshot(shot("your-data-chatgpt-branches"));
  await (await session.find(tid("branch-prev"))).click();
  await session.until(
    async () =>
      (await session.execute("return document.querySelector('main')?.innerText ?? '';")).includes(
        "And its bill?",
      ),
    { what: "the first version of the question" },
  );

  const count = (await conversationTitles()).length;
  await openYourData();
  await (await session.find(tid("data-import-chatgpt"))).type(chatgptExport);
  const again = await outcome();
  assert.match(again.status ?? "", /Imported 0 conversations .*5 were already here/);
  assert.equal((await conversationTitles()).length, count, "no duplicates");
  await closeSettings();
});

test("a cut-off backup and a broken export are refused in English and Vietnamese, changing nothing", async () => {
  const before = await everything();
  const bytes = readFileSync(
    join(
      exportDir,
      readdirSync(exportDir).find((f) => f.startsWith("halley-backup-")),
    ),
  );
  const cut = join(exportDir, "cut-off.sqlite3");
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
  for (const mode of ["replace", "merge"]) {
    const refused = await restoreFile(cut, mode);
    assert.equal(refused.code, "backup_damaged", JSON.stringify(refused));
    assert.match(refused.error, /cut short or damaged.*Nothing was changed/);
    assert.deepEqual(await everything(), before, `nothing changed (${mode})`);
  }

  const broken = JSON.parse(readFileSync(chatgptExport, "utf8"));
  delete broken[1].mapping;
  broken[0].conversation_id = "not-imported-yet";
  const brokenPath = join(exportDir, "conversations.json");
  writeFileSync(brokenPath, JSON.stringify(broken));
  await openYourData();
  await (await session.find(`${tid("language-select")} option[value="vi"]`)).click();
  await openYourData();
  await (await session.find(tid("data-import-chatgpt"))).type(brokenPath);
  const refused = await outcome();
  assert.equal(refused.code, "import_unreadable", JSON.stringify(refused));
  assert.match(refused.error, /không đọc được nên không có gì được nhập/);
  assert.match(refused.error, /Plot a sine wave/, "the conversation is named");
  assert.deepEqual(await everything(), before, "not even the readable first one came in");
  await session.screenshot(shot("your-data-refused-vi"));
  await (await session.find(`${tid("language-select")} option[value="en"]`)).click();
  await closeSettings();
});

test("every conversation exports as Markdown and as JSON, and the JSON imports back without duplicates", async () => {
  const count = (await conversationTitles()).length;
  await openYourData();
  const written = [];
  for (const [button, extension] of [
    ["data-export-markdown", ".md"],
    ["data-export-json", ".json"],
  ]) {
    await (await session.find(tid(button))).click();
    const done = await outcome();
    assert.ok(done.status, JSON.stringify(done));
    const name = readdirSync(exportDir).find(
      (f) => f.startsWith("Halley conversations") && f.endsWith(extension),
    );
    assert.ok(name, `a ${extension} file in the export folder`);
    assert.ok(done.status.includes(name), "the section says where it went");
    written.push(join(exportDir, name));
  }
  const markdown = readFileSync(written[0], "utf8");
  assert.ok(markdown.includes("# Platypus facts"), "each conversation under its title");
  assert.ok(markdown.includes("the first conversation to keep"));
  const json = JSON.parse(readFileSync(written[1], "utf8"));
  assert.equal(json.format, "halley.conversations");
  assert.equal(json.conversations.length, count);

  await (await session.find(tid("data-import-halley"))).type(written[1]);
  const again = await outcome();
  assert.match(
    again.status ?? "",
    new RegExp(`Imported 0 conversations .*${count} were already here`),
  );
  assert.equal((await conversationTitles()).length, count, "no duplicates");
  await closeSettings();
});

test("the day's automatic backup is offered when the history is damaged, and brings it back", async () => {
  await app?.stop();
  const ownDir = freshDataDir();
  // Debug builds look for a due backup this often (HALLEY_BACKUP_CHECK_MS).
  const env = { HALLEY_EXPORT_DIR: exportDir, HALLEY_BACKUP_CHECK_MS: "300" };
  app = await startApp({ dataDir: ownDir, env, name: "your-data-automatic" });
  session = app.session;
  await setupFresh(app, { baseUrl: mock.baseUrl });
  await setModel(session, "echo");
  const before = await send(session, "kept by the automatic backup");
  await settledAnswer(session, { after: before });
  const backups = join(ownDir, "backups");
  const automatic = () =>
    (existsSync(backups) ? readdirSync(backups) : []).filter((f) => f.startsWith("halley-auto-"));
  await session.until(async () => automatic().length === 1 || null, {
    what: "the day's automatic backup in the data folder",
  });
  await openYourData();
  const listed = await session.execute(
    `return [...document.querySelectorAll('[data-testid="data-backup-item"]')].map((e) => e.dataset.name);`,
  );
  assert.deepEqual(listed, automatic(), "Settings lists it");
  await app.stop();
  assert.equal(automatic().length, 1, "once a day: no second one while the app ran");

  // The history file is overwritten: the start-up window offers the backup.
  writeFileSync(join(ownDir, "history.sqlite3"), "not a database any more ".repeat(400));
  for (const extra of ["history.sqlite3-wal", "history.sqlite3-shm"]) {
    rmSync(join(ownDir, extra), { force: true });
  }
  app = await startApp({ dataDir: ownDir, env, name: "your-data-automatic-restore" });
  session = app.session;
  await session.waitFor(tid("startup-problem"), { timeout: 20000 });
  const offered = await session.findAll(tid("startup-restore"));
  assert.equal(offered.length, 1, "the automatic backup is offered");
  await offered[0].click();
  await (await session.waitFor(tid("startup-continue"))).click();
  await session.until(
    async () =>
      (await session.execute("return document.body.innerText;")).includes(
        "kept by the automatic backup",
      ) || null,
    { what: "the backed-up conversation to be listed again" },
  );
});
