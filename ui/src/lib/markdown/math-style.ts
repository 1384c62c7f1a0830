// KaTeX lays formulas out with inline styles (heights, offsets, borders,
// colours), so its own output may keep `style`, re-parsed here: only these
// properties, and only plain lengths, hex colours and keywords as values. No
// parentheses, quotes, backslashes or slashes can pass, so no url(), no
// image-set(), no CSS escape and no comment — nothing that could fetch.
const PROPERTIES = new Set([
  "height",
  "width",
  "min-width",
  "max-width",
  "vertical-align",
  "top",
  "bottom",
  "left",
  "right",
  "margin",
  "margin-top",
  "margin-right",
  "margin-bottom",
  "margin-left",
  "padding-top",
  "padding-right",
  "padding-bottom",
  "padding-left",
  "border-width",
  "border-top-width",
  "border-right-width",
  "border-bottom-width",
  "border-left-width",
  "border-style",
  "border-top-style",
  "border-right-style",
  "border-bottom-style",
  "border-left-style",
  "border-color",
  "color",
  "background-color",
]);
const VALUE = /^(?:-?(?:\d+(?:\.\d*)?|\.\d+)(?:em|ex|px|pt|%)?|#[0-9a-f]{3,8}|[a-z]+)$/i;

/** The declarations of `style` that pass, joined again; "" when none does. */
export function cleanMathStyle(style: string): string {
  const kept: string[] = [];
  for (const declaration of style.split(";")) {
    const colon = declaration.indexOf(":");
    if (colon < 0) continue;
    const property = declaration.slice(0, colon).trim().toLowerCase();
    const value = declaration.slice(colon + 1).trim();
    if (PROPERTIES.has(property) && VALUE.test(value)) kept.push(`${property}:${value}`);
  }
  return kept.join(";");
}
