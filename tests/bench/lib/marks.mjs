// The file the bench hooks append to (HALLEY_BENCH): one JSON object a line.
import { existsSync, readFileSync } from "node:fs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function readMarks(path) {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .flatMap((line) => {
      try {
        return [JSON.parse(line)];
      } catch {
        return []; // a line being written right now
      }
    });
}

/** Waits until `pick(lines)` returns something; polls every `everyMs`. */
export async function waitForMarks(
  path,
  pick,
  { timeout = 60000, everyMs = 10, what = "mark" } = {},
) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const found = pick(readMarks(path));
    if (found !== undefined && found !== null) return found;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${what} in ${path}`);
}

/** The epoch time of the first `name` mark, or undefined. */
export const markTime = (name) => (lines) => lines.find((l) => l.mark === name)?.epochMs;

/** The `n`-th (0-based) stream report, or undefined. */
export const streamReport = (n) => (lines) => lines.filter((l) => l.stream)[n]?.stream;
