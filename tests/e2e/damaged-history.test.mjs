// A damaged history file: the real app, started on it, shows a window that
// explains (not a silent empty history, not an exit with a line on stderr),
// and "Start fresh" keeps the damaged file aside, byte for byte.
import { after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, openSync, readFileSync, readdirSync, writeSync } from "node:fs";
import { join } from "node:path";
import { freshDataDir, shot, startApp, test } from "./lib/harness.mjs";
import { tid } from "./lib/chat.mjs";
import { expectAccessible } from "./lib/a11y.mjs";

const dataDir = freshDataDir();
const historyFile = join(dataDir, "history.sqlite3");
let app;
after(async () => {
  await app?.stop();
});

/** A real SQLite file of a few hundred pages, then garbage over some of them. */
function damagedHistory() {
  const script = [
    "import sqlite3, sys",
    "db = sqlite3.connect(sys.argv[1])",
    "db.execute('create table notes (id integer primary key, body text)')",
    "db.execute('create index notes_by_body on notes (body)')",
    "db.executemany('insert into notes (body) values (?)', [('note %d ' % i * 40,) for i in range(2000)])",
    "db.commit()",
    "db.close()",
  ].join("\n");
  execFileSync("python3", ["-c", script, historyFile]);
  const fd = openSync(historyFile, "r+");
  for (const page of [4, 30, 90]) writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, page * 4096);
  closeSync(fd);
  return readFileSync(historyFile);
}

test("a damaged history is explained in a window, and starting fresh keeps it aside", async () => {
  const damaged = damagedHistory();
  app = await startApp({ dataDir, name: "damaged-history" });
  const { session } = app;

  const screen = await session.waitFor(tid("startup-problem"), {
    timeout: 20000,
  });
  assert.match(
    await (await session.find(tid("startup-explanation"))).text(),
    /damaged/,
    "the window says what is wrong",
  );
  assert.equal(
    await (await session.find(tid("startup-data-dir"))).text(),
    dataDir,
    "and where the file is",
  );
  assert.ok(await session.find(tid("startup-open-folder")), "the data folder can be opened");
  assert.equal(
    await screen.find(tid("startup-restore")),
    null,
    "no backup exists, so none is offered",
  );
  assert.equal(await session.find(tid("setup-screen")), null, "the app did not open the file");
  await session.screenshot(shot("startup-damaged"));
  // The window is a main screen too: WCAG A/AA, light and dark.
  await expectAccessible(session, "startup-damaged");

  await (await session.find(tid("startup-start-fresh"))).click();
  const kept = await session.waitFor(tid("startup-kept"));
  assert.match(await kept.text(), /history\.damaged-\d{8}-\d{6}\.sqlite3/, await kept.text());
  await (await session.find(tid("startup-continue"))).click();
  // A fresh, empty history: the first-run screen.
  await session.waitFor(tid("setup-screen"), { timeout: 20000 });

  const aside = readdirSync(dataDir).filter((f) => /^history\.damaged-.*\.sqlite3$/.test(f));
  assert.equal(aside.length, 1, `the damaged file is kept: ${readdirSync(dataDir)}`);
  assert.ok(
    readFileSync(join(dataDir, aside[0])).equals(damaged),
    "kept unchanged, never deleted or repaired in place",
  );
});
