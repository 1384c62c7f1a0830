import { describe, expect, it } from "vitest";
import { errorHint } from "./errorHints";
import type { TurnErrorCode } from "./ipc";
import { en } from "./i18n/en";
import { vi } from "./i18n/vi";

describe("errorHint", () => {
  it("explains the wire limits in both languages", () => {
    for (const code of ["stalled", "too_large", "redirect_refused"] as const) {
      const key = errorHint(code);
      expect(key, code).not.toBeNull();
      expect(en[key!].length).toBeGreaterThan(10);
      expect(vi[key!]).not.toBe(en[key!]);
    }
  });

  it("has nothing to add for other codes, including inherited names", () => {
    expect(errorHint("http_status")).toBeNull();
    // A code from a newer backend, spelled like an Object.prototype member.
    expect(errorHint("constructor" as TurnErrorCode)).toBeNull();
  });
});
