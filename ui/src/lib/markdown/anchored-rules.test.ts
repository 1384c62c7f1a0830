// Not importing the renderer: marked's rule tables are as marked made them
// until this file replaces them, so the originals can be compared with the
// copies.
import fc from "fast-check";
import { Lexer, Marked } from "marked";
import { describe, expect, it } from "vitest";
import { alternatives, anchorRules, fromStart, isFromStart } from "./anchored-rules";

type Rules = Record<string, unknown>;
const tables = () => {
  const { block, inline } = Lexer.rules as unknown as Record<string, Record<string, Rules>>;
  const other = (new Lexer(new Marked().defaults).options.tokenizer as { rules: { other: Rules } })
    .rules.other;
  return [...Object.values(block ?? {}), ...Object.values(inline ?? {}), other];
};
const patterns = (rules: Rules) =>
  Object.entries(rules).filter((entry): entry is [string, RegExp] => entry[1] instanceof RegExp);

describe("anchored rules", () => {
  it("splits a pattern into its top-level alternatives", () => {
    expect(alternatives("^a|^(b|c)|[|]|\\|d")).toEqual(["^a", "^(b|c)", "[|]", "\\|d"]);
    expect(alternatives("^(?:x|y)z")).toEqual(["^(?:x|y)z"]);
  });

  it("makes a sticky copy only of patterns anchored in every alternative", () => {
    expect(isFromStart(fromStart(/^ {0,3}(?:-[\t ]*){3,}/))).toBe(true);
    expect(isFromStart(fromStart(/^a|^b/))).toBe(true);
    expect(isFromStart(fromStart(/^a|b/))).toBe(false); // "b" may match anywhere
    expect(isFromStart(fromStart(/^a/g))).toBe(false); // global: marked moves lastIndex itself
    expect(isFromStart(fromStart(/^a/m))).toBe(false); // "^" at every line
    expect(isFromStart(fromStart(/a/))).toBe(false);
  });

  it("matches like the pattern it replaces, whatever was matched before", () => {
    const copy = fromStart(/^(ab)+/);
    expect(copy.exec("ababx")?.[0]).toBe("abab");
    // A sticky pattern moves lastIndex; the copy starts from 0 on every call.
    expect(copy.exec("abx")?.[0]).toBe("ab");
    expect(copy.exec("xab")).toBeNull();
    expect(copy.test("ab")).toBe(true);
    expect("ab-ab".split(fromStart(/^-/))).toEqual("ab-ab".split(/^-/));
    expect("ab ab".replace(copy, "X")).toBe("X ab");
  });

  it("replaces marked's anchored rules, and they find what the originals find", () => {
    const originals = tables().flatMap((rules) =>
      patterns(rules).map(([name, pattern]) => ({ rules, name, pattern })),
    );
    anchorRules(new Marked());
    anchorRules(new Marked()); // idempotent
    const replaced = originals.filter(({ rules, name }) => isFromStart(rules[name] as RegExp));
    // The block rules that made lexing quadratic in WebKitGTK are among them.
    const names = new Set(replaced.map(({ name }) => name));
    for (const name of ["hr", "heading", "blockquote", "lheading", "table", "paragraph", "url"]) {
      expect(names, name).toContain(name);
    }
    // Every rule anchored in each alternative (and not g/m/y) was replaced.
    for (const { rules, name, pattern } of originals) {
      expect(isFromStart(rules[name] as RegExp), `${name} /${pattern.source}/`).toBe(
        fromStart(pattern) !== pattern,
      );
    }
    // Same matches as the originals on markdown-like text.
    const markdownish = fc.stringMatching(/^[-*_#>|`~ \t\n[\]()<>!:a1.=$\\]{0,60}$/);
    fc.assert(
      fc.property(markdownish, (text) => {
        for (const { rules, name, pattern } of replaced) {
          const copy = rules[name] as RegExp;
          expect(copy.exec(text)?.slice(), `${name} on ${JSON.stringify(text)}`).toEqual(
            pattern.exec(text)?.slice(),
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});
