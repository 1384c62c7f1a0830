// Accessibility checks inside the real webview: axe-core (the engine behind
// most accessibility checkers) with the WCAG 2 A and AA rules — labels a
// screen reader can read, names on every button and field, contrast,
// keyboard-reachable controls.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, shot } from "./harness.mjs";

const AXE = readFileSync(join(ROOT, "ui/node_modules/axe-core/axe.min.js"), "utf8");

/** The WCAG 2 A/AA violations on the page as it is now, one line each. */
async function violations(session) {
  // The engine travels inside the script itself: the app's CSP forbids
  // eval (rightly), and a WebDriver script is the driver's, not the page's.
  const found = await session.executeAsync(
    `${AXE}
     ;const done = arguments[arguments.length - 1];
     const engine = typeof axe !== "undefined" ? axe : window.axe;
     engine
       .run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
       .then((r) => done(r.violations.map((v) =>
         v.id + " (" + v.impact + "): " + v.help + " — " +
         v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "))))
       .catch((e) => done(["axe failed: " + e]));`,
  );
  return found;
}

/** Checks the page in the light theme and again in the dark one (contrast differs). */
export async function expectAccessible(session, screen) {
  for (const theme of ["light", "dark"]) {
    await session.execute("document.documentElement.dataset.theme = arguments[0]", [theme]);
    const found = await violations(session);
    await session.screenshot(shot(`a11y-${screen}-${theme}`));
    assert.deepEqual(found, [], `${screen} (${theme}): every control is named and readable`);
  }
  await session.execute("delete document.documentElement.dataset.theme");
}
