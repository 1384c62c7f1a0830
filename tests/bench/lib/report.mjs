// Turns a bench result into the Markdown section appended to docs/performance.md.

const ms = (v) => (Number.isFinite(v) ? `${Math.round(v)} ms` : "—");
const ms1 = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : "—");
const mb = (v) => (Number.isFinite(v) ? `${v.toFixed(0)} MB` : "—");
const pct = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} %` : "—");
const met = (ok) => (ok === undefined ? "—" : ok ? "met" : "**missed**");

function streamCell(s) {
  if (!s) return "—";
  return `p50 ${ms1(s.p50)}, p95 ${ms1(s.p95)}, max ${ms1(s.max)}; lost ${s.lost} of ${s.expected}`;
}

/** The verdict on each goal of issue 10, from the figures. */
export function verdicts(r) {
  const v = {};
  if (r.start) {
    v.firstPaint = r.start.halley.firstPaint <= r.start.hello.firstPaint + 200;
    v.idle = r.start.halley.pss <= 1.3 * r.start.hello.pss;
  }
  for (const key of ["slow", "fast"]) {
    const s = r.stream?.[key]?.halley;
    if (s) v[key] = s.p95 < 20 && s.lost === 0;
  }
  if (r.open) {
    v.open = r.open.large.ms < 150;
    v.scroll = r.open.fling.over50 === 0 && r.open.jump.over50 === 0;
  }
  if (r.soak) {
    const floor = Math.max(r.soak.hello.driftMb, 1);
    v.drift = r.soak.halley.driftMb < 2 * floor;
  }
  return v;
}

export function markdown(r) {
  const v = verdicts(r);
  const rows = [];
  const row = (...cells) => rows.push(`| ${cells.join(" | ")} |`);
  row("Figure", "Halley", "hello-world", "Goal", "");
  row("---", "---", "---", "---", "---");
  if (r.start) {
    const { halley, hello, runs } = r.start;
    row(
      `exec → first paint (median of ${runs})`,
      ms(halley.firstPaint),
      ms(hello.firstPaint),
      "≤ hello-world + 200 ms",
      met(v.firstPaint),
    );
    row(
      `exec → composer accepts input (median of ${runs})`,
      ms(halley.composerReady),
      "—",
      "—",
      "",
    );
    row(
      "idle PSS after start (app + WebKit processes, median)",
      mb(halley.pss),
      mb(hello.pss),
      "≤ 1.3× hello-world",
      met(v.idle),
    );
  }
  if (r.open) {
    row(
      `PSS after opening a ${r.open.smallCount.toLocaleString("en")}-message conversation`,
      `${mb(r.open.pssAfterSmall)} (${mb(r.open.pssBefore)} before, under WebDriver)`,
      "—",
      "—",
      "",
    );
    row(
      `open a ${r.open.smallCount.toLocaleString("en")}-message conversation → painted`,
      ms(r.open.small.ms),
      "—",
      "—",
      "",
    );
    row(
      `open a ${r.open.largeCount.toLocaleString("en")}-message conversation → painted`,
      ms(r.open.large.ms),
      "—",
      "< 150 ms",
      met(v.open),
    );
    row(
      "scroll to the top, 3 screens a frame: longest frame gap / gaps > 50 ms",
      `${ms(r.open.fling.maxGap)} / ${r.open.fling.over50} of ${r.open.fling.frames}`,
      "—",
      "no gap > 50 ms",
      met(v.scroll),
    );
    row(
      "jump to the top (scrollTop = 0): longest frame gap / gaps > 50 ms",
      `${ms(r.open.jump.maxGap)} / ${r.open.jump.over50} of ${r.open.jump.frames}`,
      "—",
      "no gap > 50 ms",
      "",
    );
  }
  for (const [key, label] of [
    ["slow", "slow"],
    ["fast", "fast"],
  ]) {
    const s = r.stream?.[key];
    if (!s) continue;
    row(
      `delta → DOM commit, ${s.count.toLocaleString("en")} deltas at ${s.rate.toLocaleString("en")}/s (${label})`,
      streamCell(s.halley),
      streamCell(s.hello),
      "p95 < 20 ms, none lost",
      met(v[key]),
    );
  }
  if (r.soak) {
    const { halley, hello, seconds } = r.soak;
    row(
      `soak ${seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${seconds} s`} at 100 deltas/s: PSS drift`,
      `${halley.driftMb >= 0 ? "+" : ""}${mb(halley.driftMb)} (${mb(halley.startMb)} → ${mb(halley.endMb)})`,
      `${hello.driftMb >= 0 ? "+" : ""}${mb(hello.driftMb)} (${mb(hello.startMb)} → ${mb(hello.endMb)})`,
      "< 2× hello-world's drift",
      met(v.drift),
    );
    row(
      "soak: CPU per 100 deltas/s (share of one core, app + WebKit)",
      pct(halley.cpuPct),
      pct(hello.cpuPct),
      "—",
      "",
    );
  }
  const head = [
    `### Run of ${r.when} (${r.mode})`,
    "",
    `Load average (1 min) at start ${r.load.start.toFixed(2)}, after ${r.load.end.toFixed(2)}; ` +
      `${r.minutes.toFixed(1)} minutes. Builds: Halley ${r.builds?.halley}, hello-world ${r.builds?.hello}; ` +
      "halley-mock debug. " +
      "Reproduce with `./x bench` (`./x bench --quick` for a short run).",
    "",
  ];
  return [...head, ...rows, ""].join("\n");
}
