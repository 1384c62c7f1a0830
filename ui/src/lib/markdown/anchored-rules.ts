// marked's rules are regular expressions anchored with "^" (the block rules,
// the inline rules, and helpers), tried at the start of the rest of the text
// for every token. JavaScriptCore, the engine of WebKitGTK, does not stop a
// "^" pattern that fails at the first position for many of them (those with
// counted groups, like the rule for a thematic break): it tries every later
// position too, so each failed rule costs the length of the rest of the text,
// and lexing becomes quadratic. 16 KB of one-line paragraphs took 1.75 s to
// lex in JavaScriptCore 2.50 and 10 ms in V8; an 8 KB paragraph of "[a]("
// took 160 ms to parse, 8 ms in V8 (docs/performance.md, "Hostile markdown").
//
// A sticky pattern ("y") is tried only at `lastIndex`; with `lastIndex` 0
// that is the same as "^" for a pattern whose every alternative starts with
// "^". So each such rule is replaced, once, by a sticky copy that starts from
// 0 on every call: same matches, one position tried.
import { Lexer, type Marked } from "marked";

/** A sticky pattern that always matches from the start, like the "^" pattern it replaces. */
class FromStart extends RegExp {
  // String.prototype.split makes its own splitter from the species: a plain one.
  static override get [Symbol.species](): RegExpConstructor {
    return RegExp;
  }

  override exec(text: string): RegExpExecArray | null {
    this.lastIndex = 0;
    return super.exec(text);
  }
}

/** The top-level alternatives of a pattern's source ("a|(b|c)" → "a", "(b|c)"). */
export function alternatives(source: string): string[] {
  const found: string[] = [];
  let from = 0;
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) {
      found.push(source.slice(from, i));
      from = i + 1;
    }
  }
  found.push(source.slice(from));
  return found;
}

/** `pattern` as a FromStart when every alternative is anchored at the start; otherwise itself. */
export function fromStart(pattern: RegExp): RegExp {
  if (pattern instanceof FromStart || /[gmy]/.test(pattern.flags)) return pattern;
  if (!alternatives(pattern.source).every((alternative) => alternative.startsWith("^"))) {
    return pattern;
  }
  return new FromStart(pattern.source, `${pattern.flags}y`);
}

/** Whether `pattern` is one of the sticky copies made here (tests). */
export function isFromStart(pattern: RegExp): boolean {
  return pattern instanceof FromStart;
}

function replaceIn(rules: Record<string, unknown>): void {
  for (const [name, rule] of Object.entries(rules)) {
    if (rule instanceof RegExp) rules[name] = fromStart(rule);
  }
}

/**
 * Replaces the anchored rules marked lexes with, in marked's own rule tables
 * (every Lexer reads them from there), by sticky copies. Idempotent.
 */
export function anchorRules(marked: Marked): void {
  const { block, inline } = Lexer.rules as unknown as Record<string, Record<string, unknown>>;
  for (const table of [block, inline]) {
    for (const rules of Object.values(table ?? {})) replaceIn(rules as Record<string, unknown>);
  }
  const other = (new Lexer(marked.defaults).options.tokenizer as { rules?: { other?: object } })
    ?.rules?.other;
  if (other) replaceIn(other as Record<string, unknown>);
}
