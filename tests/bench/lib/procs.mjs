// Reading a process tree's memory and CPU from /proc (Linux only).
import { readFileSync, readdirSync } from "node:fs";

/** `{pid, ppid, name, utime, stime}` from /proc/<pid>/stat, or null when it is gone. */
export function readStat(pid, text = null) {
  try {
    const stat = text ?? readFileSync(`/proc/${pid}/stat`, "latin1");
    // The name is in parentheses and may itself hold spaces or parentheses.
    const open = stat.indexOf("(");
    const close = stat.lastIndexOf(")");
    const rest = stat.slice(close + 2).split(" ");
    return {
      pid: Number(stat.slice(0, open).trim()),
      name: stat.slice(open + 1, close),
      ppid: Number(rest[1]),
      utime: Number(rest[11]),
      stime: Number(rest[12]),
    };
  } catch {
    return null;
  }
}

/** `pid` and every live descendant (the app, its WebKit processes and their helpers). */
export function processTree(pid) {
  const all = [];
  for (const entry of readdirSync("/proc")) {
    if (/^\d+$/.test(entry)) {
      const stat = readStat(entry);
      if (stat) all.push(stat);
    }
  }
  const tree = [];
  const wanted = new Set([pid]);
  // Parents appear before children often but not always: repeat until stable.
  for (let grew = true; grew;) {
    grew = false;
    for (const stat of all) {
      if (!tree.includes(stat) && (stat.pid === pid || wanted.has(stat.ppid))) {
        tree.push(stat);
        wanted.add(stat.pid);
        grew = true;
      }
    }
  }
  return tree;
}

/** Proportional set size in kB from a smaps_rollup text, or 0. */
export function pssFromRollup(text) {
  const match = /^Pss:\s+(\d+) kB/m.exec(text);
  return match ? Number(match[1]) : 0;
}

/** PSS summed over the tree, in MB, with each process's share. */
export function treeMemory(pid) {
  const parts = [];
  for (const proc of processTree(pid)) {
    try {
      const kb = pssFromRollup(readFileSync(`/proc/${proc.pid}/smaps_rollup`, "latin1"));
      parts.push({ name: proc.name, mb: kb / 1024 });
    } catch {
      /* ended while we looked */
    }
  }
  return { mb: parts.reduce((sum, p) => sum + p.mb, 0), parts };
}

/** CPU time used so far by the live tree, in clock ticks (USER_HZ, 100 on Linux). */
export function treeTicks(pid) {
  return processTree(pid).reduce((sum, p) => sum + p.utime + p.stime, 0);
}

export const TICKS_PER_SECOND = 100;

/** The 1-minute load average. */
export function loadAverage() {
  return Number(readFileSync("/proc/loadavg", "latin1").split(" ")[0]);
}
