// marked's emphasis is quadratic in the number of delimiters of one inline
// text: each opener scans every later delimiter for its closer ("*a **b "
// repeated and closed with "**" took 2 s for 8 KB). Past a number of delimiter
// runs, an inline text (one paragraph, list item or table cell) keeps its
// asterisks, underscores and tildes as plain characters, so its cost stays
// bounded. No answer a person reads has hundreds of emphasis markers in one
// paragraph.
//
// Overriding marked's emphasis tokenizers turns off its fast path for text
// with no delimiter at all (it masks every inline text first: "\(a " repeated
// parsed ~15× slower), so the renderer uses the override only for a source
// that has this many runs in the first place (`tooManyDelimiterRuns`).
import type { MarkedExtension } from "marked";

export const MAX_DELIMITER_RUNS = 256;

const RUNS = /[*_~]+/g;

/** Whether `text` has more than MAX_DELIMITER_RUNS runs of `*`, `_` or `~`. */
export function tooManyDelimiterRuns(text: string): boolean {
  let runs = 0;
  RUNS.lastIndex = 0;
  while (RUNS.exec(text) !== null && runs <= MAX_DELIMITER_RUNS) runs++;
  RUNS.lastIndex = 0;
  return runs > MAX_DELIMITER_RUNS;
}

let lastText: string | null = null;
let lastTooMany = false;

/** Whether `maskedSrc` (marked's whole inline text, the same string for each call in it) has too many runs. */
function tooManyDelimiters(maskedSrc: string): boolean {
  if (maskedSrc !== lastText) {
    lastText = maskedSrc;
    lastTooMany = tooManyDelimiterRuns(maskedSrc);
  }
  return lastTooMany;
}

// Returning undefined means "no token here" (the text stays literal); false
// hands the call to marked's own tokenizer.
export const emphasisLimit: MarkedExtension = {
  tokenizer: {
    emStrong: (_src: string, maskedSrc: string) =>
      tooManyDelimiters(maskedSrc) ? undefined : false,
    del: (_src: string, maskedSrc: string) => (tooManyDelimiters(maskedSrc) ? undefined : false),
  },
};
