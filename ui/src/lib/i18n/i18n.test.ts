import { describe, expect, it } from "vitest";
import { en } from "./en";
import { vi } from "./vi";
import { detectLanguage, t, setLanguage } from "./index.svelte";

describe("message catalog", () => {
  it("Vietnamese has every English key and no extra ones", () => {
    // A missing key would show English in a Vietnamese UI; an extra one is dead text.
    expect(Object.keys(vi).sort()).toEqual(Object.keys(en).sort());
  });

  it("follows the OS language when it is one we ship", () => {
    // vi-VN must pick Vietnamese; an unknown language falls back to English.
    expect(detectLanguage(["vi-VN", "en-US"])).toBe("vi");
    expect(detectLanguage(["fr-FR"])).toBe("en");
  });

  it("translates through the chosen language", () => {
    setLanguage("vi");
    // The send button must read in Vietnamese once Vietnamese is chosen.
    expect(t("composer.send")).toBe("Gửi");
    setLanguage("en");
    expect(t("composer.send")).toBe("Send");
  });
});
