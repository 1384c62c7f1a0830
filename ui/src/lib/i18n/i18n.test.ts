import { describe, expect, it } from "vitest";
import { en } from "./en";
import { vi } from "./vi";
import { detectLanguage, fill, t, setLanguage } from "./index.svelte";

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

describe("plurals", () => {
  it("picks the form the language's rules say, with # as the number", () => {
    const template = "Added {count, plural, one {# server} other {# servers}}.";
    expect(fill(template, { count: 1 }, "en")).toBe("Added 1 server.");
    expect(fill(template, { count: 0 }, "en")).toBe("Added 0 servers.");
    expect(fill(template, { count: 3 }, "en")).toBe("Added 3 servers.");
    expect(fill("{n, plural, =0 {none} other {#}}", { n: 0 }, "en")).toBe("none");
    // Vietnamese has one form: "other" always.
    expect(fill("{n, plural, one {một} other {# cái}}", { n: 1 }, "vi")).toBe("1 cái");
    // A missing number leaves the text as it is rather than throwing.
    expect(fill(template, {}, "en")).toBe(template);
  });

  it("every English plural string reads right for one and for many", () => {
    setLanguage("en");
    expect(t("setup.testOk", { count: 1 })).toBe("Connected: 1 model available.");
    expect(t("setup.testOk", { count: 12 })).toBe("Connected: 12 models available.");
    expect(t("data.imported", { count: 1, messages: 2 })).toBe(
      "Imported 1 conversation (2 messages).",
    );
    for (const [key, text] of Object.entries(en)) {
      if (!text.includes(", plural,")) continue;
      const filled = t(key as keyof typeof en, { count: 1, messages: 1 });
      expect(filled, key).not.toContain("plural,");
    }
  });
});
