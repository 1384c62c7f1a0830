// The Evaluations screen end to end: the real app against halley-mock. A
// 20-row CSV is imported through the screen (a malformed one first, whose
// problem names the row), two versions of a preset (echo, then echo-json)
// run with a regex grader and the mock's `judge` model grader; the app is
// killed halfway, restarted on the same data dir, the run resumed, and the
// results table ends complete with the aggregates shown.
import { after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appPids, freshDataDir, shot, startApp, startMock, test } from "./lib/harness.mjs";
import { setupFresh, tid } from "./lib/chat.mjs";
import { expectAccessible } from "./lib/a11y.mjs";

const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

const dir = mkdtempSync(join(tmpdir(), "halley-evals-"));
// Exported files land here (the app's Downloads folder otherwise).
const exportDir = mkdtempSync(join(tmpdir(), "halley-evals-export-"));

/** Text with N = 2 on every fourth row (the judge fails it), else 5. */
function goodCsv() {
  let csv = "text,expected\n";
  for (let i = 1; i <= 20; i++) csv += `"w${i} [[score:${i % 4 === 0 ? 2 : 5}]]",w${i}\n`;
  return csv;
}

/** Puts the file at `path` into the screen's file input, as a file picker would. */
function chooseFile(session, path) {
  const name = path.split("/").pop();
  return session.execute(
    `const input = document.querySelector('[data-testid="ev-file"]');
     const dt = new DataTransfer();
     dt.items.add(new File([arguments[0]], arguments[1], { type: "text/csv" }));
     input.files = dt.files;
     input.dispatchEvent(new Event("change", { bubbles: true }));
     return true;`,
    [readFileSync(path, "utf8"), name],
  );
}

function setValue(session, selector, value, index = 0) {
  return session.execute(
    `const el = document.querySelectorAll(arguments[0])[arguments[2]];
     if (!el) throw new Error("no element " + arguments[0]);
     const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
     Object.getOwnPropertyDescriptor(proto, "value").set.call(el, arguments[1]);
     el.dispatchEvent(new Event("input", { bubbles: true }));
     return true;`,
    [selector, value, index],
  );
}

/** Chooses the `option`th option of the `index`th select matching `selector`. */
function selectIndex(session, selector, option, index = 0) {
  return session.execute(
    `const el = document.querySelectorAll(arguments[0])[arguments[2]];
     if (!el) throw new Error("no select " + arguments[0]);
     el.selectedIndex = arguments[1];
     el.dispatchEvent(new Event("change", { bubbles: true }));
     return el.value;`,
    [selector, option, index],
  );
}

function click(session, selector, index = 0) {
  return session.execute(
    `const el = document.querySelectorAll(arguments[0])[arguments[1]];
     if (!el) throw new Error("no element " + arguments[0] + " #" + arguments[1]);
     el.click(); return true;`,
    [selector, index],
  );
}

function count(session, selector) {
  return session.execute(`return document.querySelectorAll(arguments[0]).length;`, [selector]);
}

function text(session, selector) {
  return session.execute(`return document.querySelector(arguments[0])?.innerText ?? "";`, [
    selector,
  ]);
}

/** What the backend holds for the run (not what the screen shows). */
function runs(session) {
  return session.execute("return window.__TAURI_INTERNALS__.invoke('eval_list_runs')");
}

/** Saves a version of the preset "repeat" through the command the Playground's Save uses. */
function savePreset(session, model) {
  const form = {
    model,
    instructions: "Repeat what you are given.",
    messages: [{ id: "m1", role: "user", parts: ["Repeat: {{text}}"], attachments: [] }],
    functions: [],
    mcp: [],
    format: { type: "text", name: "reply", description: "", strict: true, schema: "" },
  };
  return session.execute(
    "return window.__TAURI_INTERNALS__.invoke('preset_save', { name: 'repeat', formJson: arguments[0] })",
    [JSON.stringify(form)],
  );
}

test("a run of two preset versions survives a kill, resumes and ends with every row graded", async () => {
  // 60 ms per streamed delta: a row takes a moment, so the kill lands halfway.
  const mock = await startMock(["--delay-ms", "60"]);
  cleanups.push(() => mock.stop());
  const dataDir = freshDataDir();
  const first = await startApp({ dataDir, name: "evals-before" });
  cleanups.push(() => first.stop());
  const { session } = first;
  await setupFresh(first, { baseUrl: mock.baseUrl });
  await savePreset(session, "echo");
  const saved = await savePreset(session, "echo-json");
  assert.equal(saved.latestVersion, 2, "two versions of the preset");

  await click(session, tid("mode-evals"));
  await session.waitFor(tid("evals"));

  // A malformed file: its problem names the row and line, nothing is stored.
  const bad = join(dir, "bad.csv");
  writeFileSync(bad, "text,expected\nhello,hello\nbroken\n");
  await chooseFile(session, bad);
  const problem = await session.waitFor(tid("ev-problem"));
  assert.equal(
    await problem.text(),
    "Row 2 (line 3) cannot be read: it has 1 field where the header has 2",
  );
  assert.equal(await count(session, tid("ev-import")), 0, "no Import for a malformed file");

  const good = join(dir, "words.csv");
  writeFileSync(good, goodCsv());
  await chooseFile(session, good);
  await session.waitFor(tid("ev-preview"));
  const preview = await text(session, tid("ev-preview"));
  assert.ok(preview.includes("20 rows, columns: text, expected"), preview);
  assert.ok(preview.includes("w1 [[score:5]]"), "the first rows are shown");
  assert.equal(
    await session.execute(`return document.querySelector('[data-testid="ev-expected"]').value`),
    "expected",
    "the column named expected is chosen",
  );
  await click(session, tid("ev-import"));
  await session.until(async () => (await count(session, tid("ev-dataset"))) === 1, {
    what: "the dataset in the list",
  });
  assert.ok((await text(session, tid("ev-dataset"))).includes("20 rows"));

  // Variant 1: the preset's v1 (echo); variant 2: its v2 (echo-json).
  await selectIndex(session, tid("ev-variant-preset"), 1, 0);
  await selectIndex(session, tid("ev-variant-version"), 1, 0);
  await click(session, tid("ev-add-variant"));
  await selectIndex(session, tid("ev-variant-preset"), 1, 1);
  await setValue(session, tid("ev-grader-pattern"), "{{expected}}");
  await click(session, tid("ev-add-grader"));
  assert.equal(
    await session.execute(`return document.querySelector('[data-testid="ev-grader-model"]').value`),
    "judge",
  );
  await setValue(session, tid("ev-concurrency"), "2");
  await expectAccessible(session, "evals-new-run");
  await session.screenshot(shot("evals-new-run"));
  await click(session, tid("ev-start"));

  // Halfway: some results stored, not all.
  await session.waitFor(tid("ev-progress"));
  await session.until(
    async () => {
      const [run] = await runs(session);
      return run && run.results >= 8 ? run : null;
    },
    { timeout: 60000, what: "8 results stored" },
  );
  const progress = await text(session, tid("ev-progress-text"));
  assert.match(progress, /\d+ \/ 40 done/, progress);
  await session.screenshot(shot("evals-progress"));
  const pids = appPids(dataDir);
  assert.ok(pids.length > 0, "the app process is found");
  for (const pid of pids) process.kill(pid, "SIGKILL");
  await first.stop().catch(() => {});

  const second = await startApp({
    dataDir,
    name: "evals-after",
    env: { HALLEY_EXPORT_DIR: exportDir },
  });
  cleanups.push(() => second.stop());
  const s2 = second.session;
  await s2.waitFor(tid("new-chat"), { timeout: 20000 });
  const [interrupted] = await runs(s2);
  assert.equal(interrupted.status, "running", "stored as running: it was interrupted");
  assert.ok(interrupted.results < 40, `the kill landed halfway (${interrupted.results} of 40)`);
  await click(s2, tid("mode-evals"));
  await s2.waitFor(tid("ev-run"));
  assert.equal(await text(s2, tid("ev-run-status")), "interrupted");
  await click(s2, tid("ev-run-open"));
  await click(s2, tid("ev-resume"));
  // Pause lets the rows in flight finish, then the run waits; Resume goes on.
  await s2.waitFor(tid("ev-pause"));
  await click(s2, tid("ev-pause"));
  await s2.until(async () => ((await text(s2, tid("ev-run-status"))) === "paused" ? true : null), {
    timeout: 30000,
    what: "the run to pause",
  });
  const [paused] = await runs(s2);
  assert.equal(paused.status, "paused");
  assert.ok(paused.results < 40, `paused before the end (${paused.results} of 40)`);
  await click(s2, tid("ev-resume"));
  await s2.until(
    async () => ((await text(s2, tid("ev-run-status"))) === "completed" ? true : null),
    { timeout: 90000, what: "the run to complete" },
  );
  const [done] = await runs(s2);
  assert.equal(done.status, "completed");
  assert.equal(done.results, 40, "every row of both variants has a result");

  // The table: 20 rows (those in view are in the DOM), and the aggregates.
  await s2.until(async () => (await text(s2, tid("ev-shown"))) === "20 of 20 rows", {
    what: "20 rows in the table",
  });
  // The judge gives 2 to every fourth row, under the pass mark of 4: 15 of 20 pass.
  const rates = await s2.until(
    async () => {
      const shown = await s2.execute(
        `return [...document.querySelectorAll('[data-testid="ev-pass-rate"]')].map((e) => e.innerText);`,
      );
      return shown.length === 2 && shown.every((r) => r.endsWith("/20)")) ? shown : null;
    },
    { what: "the aggregates of both variants over 20 rows" },
  );
  assert.deepEqual(rates, ["75.0 % (15/20)", "75.0 % (15/20)"]);
  assert.equal(await count(s2, tid("ev-chart") + " rect"), 4, "a bar and its track per variant");
  assert.ok((await count(s2, tid("ev-cell"))) >= 10, "result cells are drawn");

  // Failed only: the five fourth rows.
  await click(s2, tid("ev-failed-only"));
  await s2.until(async () => (await text(s2, tid("ev-shown"))) === "5 of 20 rows", {
    what: "the failed rows",
  });
  // The variants agree on every row.
  await click(s2, tid("ev-disagree"));
  await s2.until(async () => (await text(s2, tid("ev-shown"))) === "0 of 20 rows", {
    what: "no disagreeing rows",
  });
  await click(s2, tid("ev-disagree"));
  await click(s2, tid("ev-failed-only"));

  // A thumb is stored with the result (the first row in view, variant 1).
  const position = Number(
    await s2.execute(
      `return document.querySelector('[data-testid="ev-row"]').getAttribute("data-position");`,
    ),
  );
  assert.ok(position >= 1 && position <= 20, `a row in view: ${position}`);
  await click(s2, `[data-testid="ev-row"][data-position="${position}"] ${tid("ev-thumb-up")}`);
  await s2.until(
    async () => {
      const r = await s2.execute(
        "return window.__TAURI_INTERNALS__.invoke('eval_results', { runId: arguments[0], variant: 0, offset: arguments[1], limit: 1, withExchange: false })",
        [done.id, position - 1],
      );
      return r[0]?.position === position && r[0]?.humanGrade?.value === true ? true : null;
    },
    { what: "the thumb stored" },
  );
  // Four stars replace the thumb: a row has one human grade.
  const fourStars = `[data-testid="ev-row"][data-position="${position}"] ${tid("ev-star")}[data-value="4"]`;
  await click(s2, fourStars);
  await s2.until(
    async () => {
      const r = await s2.execute(
        "return window.__TAURI_INTERNALS__.invoke('eval_results', { runId: arguments[0], variant: 0, offset: arguments[1], limit: 1, withExchange: false })",
        [done.id, position - 1],
      );
      const grade = r[0]?.humanGrade;
      return grade?.kind === "stars" && grade.value === 4 ? true : null;
    },
    { what: "the stars stored" },
  );
  assert.equal(
    await s2.execute(`return document.querySelector(arguments[0]).getAttribute("aria-pressed");`, [
      fourStars,
    ]),
    "true",
    "the given grade shows as pressed",
  );

  // Side by side: that row's two outputs.
  await click(s2, `[data-testid="ev-row"][data-position="${position}"] button.pos`);
  const side = await (await s2.waitFor(tid("ev-compare"))).text();
  const score = position % 4 === 0 ? 2 : 5;
  assert.ok(side.includes(`Repeat: w${position} [[score:${score}]]`), `echo's output: ${side}`);
  assert.ok(side.includes('"text"'), "echo-json's output");
  await expectAccessible(s2, "evals-results");
  await s2.screenshot(shot("evals-results"));

  // In Vietnamese: the same screen, its words translated.
  await click(s2, tid("mode-chat"));
  await click(s2, tid("settings-button"));
  await s2.waitFor(tid("language-select"));
  await s2.execute(
    `const el = document.querySelector('[data-testid="language-select"]');
     el.value = "vi"; el.dispatchEvent(new Event("change", { bubbles: true })); return true;`,
  );
  await click(s2, tid("settings-close"));
  await click(s2, tid("mode-evals"));
  await click(s2, tid("ev-run-open"));
  await s2.until(
    async () => ((await text(s2, tid("ev-run-status"))) === "hoàn tất" ? true : null),
    {
      what: "the run's status in Vietnamese",
    },
  );
  await s2.until(
    async () => ((await text(s2, tid("ev-shown"))) === "20 trên 20 hàng" ? true : null),
    {
      what: "the table in Vietnamese",
    },
  );
  await s2.screenshot(shot("evals-results-vi"));

  // Export CSV: a header and one line per row and variant, every grader's verdict.
  await click(s2, tid("ev-export-csv"));
  const csvFile = await s2.until(
    async () => readdirSync(exportDir).find((f) => f.endsWith(".csv")) ?? null,
    { what: "the exported CSV" },
  );
  const lines = readFileSync(join(exportDir, csvFile), "utf8").trim().split("\r\n");
  assert.equal(lines.length, 41, "a header and 40 results");
  assert.ok(lines[0].includes("regex passed") && lines[0].includes("score"), lines[0]);
  assert.ok(lines[1].startsWith("1,repeat v1,answered,true,"), lines[1]);

  // Delete asks first, saying the runs go too; then the dataset and its run are gone.
  await click(s2, tid("ev-dataset-delete"));
  const ask = await (await s2.waitFor(tid("ev-delete-confirm"))).text();
  assert.equal(ask, "Xóa", "the confirmation is in Vietnamese");
  assert.ok((await text(s2, '[role="dialog"]')).includes("1 lần chạy"), "it says one run goes");
  await click(s2, tid("ev-delete-confirm"));
  await s2.until(async () => ((await count(s2, tid("ev-dataset"))) === 0 ? true : null), {
    what: "the dataset deleted",
  });
  assert.deepEqual(await runs(s2), [], "its run went with it");
  await s2.waitFor(tid("evals"));
  assert.equal(await count(s2, tid("ev-results")), 0, "the deleted run's results are closed");
});
