// KaTeX output for a block's formulas: rendered, sanitized, and kept.
//
// Measured in WebKitGTK, a part of mixed markdown spent more time on its
// formulas than on everything else (KaTeX's ~1.5 KB of HTML per formula,
// then DOMPurify walking it), and the same formulas come back all the time:
// a streaming message re-renders its open block on every frame, a hostile
// answer repeats one formula thousands of times, and a real one reuses its
// notation. So a formula is rendered and cleaned once per (TeX, display mode)
// and each use gets a copy of the cleaned nodes. What is cached is the
// sanitizer's output for KaTeX's output for that key, and both are pure
// functions of it (KaTeX's options are fixed here), so a copy is exactly what
// rendering again would give: the cache changes the cost, not the result.
//
// A block's formulas are also rendered within a deadline: past it, a formula
// not cached yet shows its source as text for now, and the caller renders the
// block again later (the formulas done meanwhile are cached by then). At
// least one missing formula is rendered per call, so a block is complete
// after at most as many calls as it has formulas (the cache holds more
// entries than a block may have formulas, see MAX_FORMULAS; a block whose
// formulas' HTML is too large to be held together is rendered whole).
import katex from "katex";

/** A formula as math.ts found it: its TeX, display or inline, and its source with delimiters. */
export interface Formula {
  readonly tex: string;
  readonly display: boolean;
  readonly raw: string;
}

/** Formulas kept; more than a block may have (math.ts MAX_FORMULAS), so a block can always complete. */
export const FORMULA_CACHE_ENTRIES = 1024;
/** Characters of cleaned HTML kept at most (KaTeX's output is ~1.5 KB for a one-letter formula). */
export const FORMULA_CACHE_CHARS = 4 * 1024 * 1024;

/** A bounded least-recently-used map with a size per entry. */
export class LruCache<V> {
  private readonly entries = new Map<string, { value: V; size: number }>();
  private total = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxSize: number,
  ) {}

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    // Map keeps insertion order: moving a hit to the end makes the first entry the oldest.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.value;
  }

  set(key: string, value: V, size: number): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.total -= old.size;
    }
    this.entries.set(key, { value, size });
    this.total += size;
    while (
      this.entries.size > this.maxEntries ||
      (this.total > this.maxSize && this.entries.size > 1)
    ) {
      const oldest = this.entries.entries().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest[0]);
      this.total -= oldest[1].size;
    }
  }

  /** Whether `key` is held (without counting as a use). */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The sizes of all entries added up. */
  get totalSize(): number {
    return this.total;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}

const formulaCache = new LruCache<Node>(FORMULA_CACHE_ENTRIES, FORMULA_CACHE_CHARS);

/** How many formulas KaTeX rendered (tests read it). */
export const formulaStats = { rendered: 0 };

export function clearFormulaCache(): void {
  formulaCache.clear();
}

const keyOf = (formula: Formula) => `${formula.display ? "D" : "I"}\u0000${formula.tex}`;

function renderTex(formula: Formula): string {
  formulaStats.rendered++;
  // throwOnError=false: half-streamed or wrong TeX shows as red source, never an exception.
  // maxSize (in em) bounds \rule and \kern, so a formula cannot grow over the window.
  return katex.renderToString(formula.tex, {
    displayMode: formula.display,
    throwOnError: false,
    output: "html",
    maxSize: 20,
  });
}

/** A formula not rendered yet: its source, as text (`text` cleans it as the sanitizer does the model's text). */
function pendingFormula(doc: Document, formula: Formula, text: (raw: string) => string): Node {
  const span = doc.createElement("span");
  span.className = "math-pending";
  span.textContent = text(formula.raw);
  return span;
}

export interface FormulaNodes {
  /** One node per formula, in order, to insert where its placeholder is. */
  readonly nodes: readonly Node[];
  /** False when some formulas show their source for now (render the block again later). */
  readonly complete: boolean;
}

/**
 * Nodes for `formulas`, from the cache or rendered now. `clean` sanitizes
 * KaTeX's HTML for several formulas at once and returns one node per formula
 * (or none, when it cannot tell them apart); the cache keeps its nodes, each
 * use gets a deep copy. After `deadline` (a `performance.now()` time) only
 * one formula not in the cache is rendered; the others show their source,
 * cleaned by `text`. (`cache`: another cache than the page's, for tests.)
 */
export function formulaNodes(
  doc: Document,
  formulas: readonly Formula[],
  clean: (html: readonly string[]) => Node[],
  text: (raw: string) => string,
  deadline = Infinity,
  cache: LruCache<Node> = formulaCache,
): FormulaNodes {
  const found: (Node | undefined)[] = formulas.map((formula) => cache.get(keyOf(formula)));
  // Misses, rendered by KaTeX within the deadline, then cleaned in one pass.
  const missing: number[] = [];
  const html: string[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < formulas.length; i++) {
    const formula = formulas[i];
    if (formula === undefined || found[i] !== undefined) continue;
    const key = keyOf(formula);
    if (seen.has(key)) continue;
    if (html.length > 0 && performance.now() >= deadline) break;
    seen.set(key, html.length);
    missing.push(i);
    html.push(renderTex(formula));
  }
  if (html.length > 0) {
    const cleaned = clean(html);
    if (cleaned.length !== html.length) return { nodes: [], complete: true };
    missing.forEach((index, n) => {
      const formula = formulas[index];
      const node = cleaned[n];
      if (formula === undefined || node === undefined) return;
      cache.set(keyOf(formula), node, html[n]?.length ?? 0);
    });
    // A block whose formulas do not fit in the cache together (megabytes of
    // KaTeX HTML) would lose earlier ones while later ones are rendered, and
    // never complete: render it whole now instead.
    const had = (formula: Formula, i: number) => found[i] !== undefined || seen.has(keyOf(formula));
    const lost = formulas.some((formula, i) => had(formula, i) && !cache.has(keyOf(formula)));
    const waiting = formulas.some((formula, i) => !had(formula, i));
    if (lost && waiting && deadline !== Infinity) {
      return formulaNodes(doc, formulas, clean, text, Infinity, cache);
    }
    for (let i = 0; i < formulas.length; i++) {
      const formula = formulas[i];
      if (formula === undefined || found[i] !== undefined) continue;
      const n = seen.get(keyOf(formula));
      if (n !== undefined) found[i] = cleaned[n];
    }
  }
  let complete = true;
  const nodes = formulas.map((formula, i) => {
    const node = found[i];
    if (node !== undefined) return doc.importNode(node, true);
    complete = false;
    return pendingFormula(doc, formula, text);
  });
  return { nodes, complete };
}
