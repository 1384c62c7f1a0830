// Unit tests of the bench harness's own pieces (no app, no display): run by
// ./x test. The figures themselves are never checked against a threshold.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { markTime, readMarks, streamReport, waitForMarks } from "./lib/marks.mjs";
import { processTree, pssFromRollup, readStat, treeMemory } from "./lib/procs.mjs";
import { markdown, verdicts } from "./lib/report.mjs";
import { median, percentile, summarizeStream } from "./lib/stats.mjs";

test("percentiles by nearest rank, medians of odd and even counts", () => {
  const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
  assert.equal(percentile(values, 50), 5);
  assert.equal(percentile(values, 95), 10);
  assert.equal(percentile(values, 0), 1);
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
});

test("a stream summary counts the deltas the page never showed as lost", () => {
  const s = summarizeStream({ sent: 4, echoed: 3, latencyMs: [1, 2, 30] }, 4);
  assert.equal(s.lost, 1);
  assert.equal(s.max, 30);
  assert.equal(s.p50, 2);
});

test("stat lines with spaces and parentheses in the name parse", () => {
  const line = "4242 (Web Content (x)) S 17 4242 4242 0 -1 4194560 1 0 0 0 250 31 0 0 20 0 1 0";
  const stat = readStat(4242, line);
  assert.deepEqual(
    { pid: stat.pid, name: stat.name, ppid: stat.ppid, utime: stat.utime, stime: stat.stime },
    { pid: 4242, name: "Web Content (x)", ppid: 17, utime: 250, stime: 31 },
  );
});

test("PSS is read from smaps_rollup and summed over this process's tree", () => {
  assert.equal(pssFromRollup("Rss:  900 kB\nPss:   1234 kB\nPss_Anon: 3 kB\n"), 1234);
  assert.equal(pssFromRollup("nothing"), 0);
  const tree = processTree(process.pid);
  assert.equal(tree[0].pid, process.pid);
  const memory = treeMemory(process.pid);
  assert.ok(memory.mb > 1, `this node process has some memory: ${memory.mb}`);
});

test("marks are read line by line, skipping a half-written last line", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "bench-test-")), "marks.jsonl");
  writeFileSync(
    path,
    '{"mark":"first-paint","epochMs":10}\n{"stream":{"sent":1,"echoed":1,"latencyMs":[2]}}\n{"mark":',
  );
  assert.equal(readMarks(path).length, 2);
  assert.equal(markTime("first-paint")(readMarks(path)), 10);
  assert.equal(streamReport(0)(readMarks(path)).sent, 1);
  assert.equal(streamReport(1)(readMarks(path)), undefined);
  await assert.rejects(
    waitForMarks(path, markTime("composer-ready"), { timeout: 50 }),
    /timed out/,
  );
});

test("the report puts both apps side by side and says which goals were missed", () => {
  const result = {
    when: "2026-12-01 00:00 UTC",
    mode: "quick",
    minutes: 1,
    load: { start: 1, end: 2 },
    start: {
      runs: 3,
      halley: { firstPaint: 900, composerReady: 1000, pss: 200 },
      hello: { firstPaint: 600, pss: 100 },
    },
  };
  const v = verdicts(result);
  assert.equal(v.firstPaint, false); // 900 > 600 + 200
  assert.equal(v.idle, false); // 200 > 1.3 x 100
  const text = markdown(result);
  assert.match(
    text,
    /\| exec → first paint \(median of 3\) \| 900 ms \| 600 ms \|.*\*\*missed\*\*/,
  );
  assert.match(text, /Load average \(1 min\) at start 1\.00/);
});
