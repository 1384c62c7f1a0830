import { describe, expect, it } from "vitest";
import type { Assistant } from "./ipc";
import {
  blankDraft,
  checkDraft,
  draftFromPreset,
  formFromAssistant,
  inputOf,
  MAX_NAME_CHARS,
} from "./assistants";
import { defaultForm, newMessage } from "./playground/state";
import { effortFor, effortLevels, takesVerbosity } from "./models";

const tutor: Assistant = {
  id: "a1",
  name: "Tutor",
  emoji: "🦉",
  instructions: "Explain step by step.",
  model: "gpt-5.2",
  reasoningEffort: "xhigh",
  verbosity: "low",
  tools: { webSearch: true, codeInterpreter: false, imageGeneration: true, mcpServers: [] },
  starterPrompts: ["Quiz me on fractions", "Explain gravity"],
  createdAt: 0,
  updatedAt: 0,
};

describe("the assistant editor's checks", () => {
  it("says the first broken rule, with the field it belongs to", () => {
    expect(checkDraft(blankDraft())?.key).toBe("assistants.error.noName");
    const named = { ...blankDraft(), name: "Tutor" };
    expect(checkDraft(named)).toBeNull();
    expect(checkDraft({ ...named, name: "x".repeat(MAX_NAME_CHARS + 1) })?.key).toBe(
      "assistants.error.nameTooLong",
    );
    // Characters, not UTF-16 units: 60 Vietnamese letters are a valid name.
    expect(checkDraft({ ...named, name: "ữ".repeat(MAX_NAME_CHARS) })).toBeNull();
    expect(checkDraft({ ...named, model: "gpt 5" })?.field).toBe("model");
    const long = checkDraft({ ...named, starterPrompts: ["ok", "x".repeat(501), "", ""] });
    expect(long?.key).toBe("assistants.error.starterTooLong");
    expect(long?.params.n).toBe(2);
  });

  it("sends what it keeps: trimmed, empty starter prompts dropped", () => {
    const input = inputOf({ ...blankDraft(), name: " Tutor ", starterPrompts: [" Hi ", "", " "] });
    expect(input.name).toBe("Tutor");
    expect(input.starterPrompts).toEqual(["Hi"]);
  });
});

describe("Playground ↔ assistant", () => {
  it("a preset's instructions, model, effort, verbosity and hosted tools make the assistant; the rest is named", () => {
    const form = defaultForm("gpt-5.1");
    form.instructions = "You are terse.";
    form.messages = [newMessage("developer", "Never guess."), newMessage("user", "test question")];
    form.reasoningEffort = "none";
    form.verbosity = "high";
    form.webSearch.enabled = true;
    form.codeInterpreter.enabled = true;
    form.temperature = 0.2;
    form.format.type = "json_schema";
    const { draft, notMapped } = draftFromPreset("Terse", form);
    expect(draft.name).toBe("Terse");
    expect(draft.instructions).toBe("You are terse.\n\nNever guess.");
    expect(draft.model).toBe("gpt-5.1");
    expect(draft.reasoningEffort).toBe("none");
    expect(draft.verbosity).toBe("high");
    expect(draft.tools).toMatchObject({ webSearch: true, codeInterpreter: true });
    expect(draft.tools.imageGeneration).toBe(false);
    expect(notMapped).toEqual(["temperature", "text.format", "input"]);
    // A plain form carries over whole.
    expect(draftFromPreset("Plain", defaultForm("gpt-5")).notMapped).toEqual([]);
  });

  it("an assistant fills the Playground form as its chat would send", () => {
    const form = formFromAssistant(tutor, "fallback");
    expect(form.model).toBe("gpt-5.2");
    expect(form.instructions).toBe("Explain step by step.");
    expect(form.reasoningEffort).toBe("xhigh");
    expect(form.verbosity).toBe("low");
    expect(form.webSearch.enabled).toBe(true);
    expect(form.imageGeneration.enabled).toBe(true);
    expect(form.codeInterpreter.enabled).toBe(false);
    expect(form.messages[0]?.parts).toEqual(["Quiz me on fractions"]);
    expect(formFromAssistant({ ...tutor, model: "" }, "gpt-5-mini").model).toBe("gpt-5-mini");
  });
});

describe("what a model takes", () => {
  it("offers each family its own effort levels", () => {
    expect(effortLevels("gpt-5-mini")).toEqual(["minimal", "low", "medium", "high"]);
    expect(effortLevels("gpt-5.1")).toEqual(["none", "low", "medium", "high"]);
    expect(effortLevels("openai/gpt-5.2")).toEqual(["none", "low", "medium", "high", "xhigh"]);
    expect(effortLevels("gpt-5.1-codex-max")).toContain("xhigh");
    expect(effortLevels("o4-mini")).toEqual(["low", "medium", "high"]);
    expect(effortLevels("gpt-4o")).toEqual([]);
    expect(effortLevels("some-gateway-model")).toEqual(["low", "medium", "high"]);
  });

  it("sends a level or verbosity only where the model takes it", () => {
    expect(effortFor("gpt-5", "none")).toBeNull();
    expect(effortFor("gpt-5.1", "none")).toBe("none");
    expect(effortFor("gpt-4.1", "high")).toBeNull();
    expect(takesVerbosity("gpt-5-nano")).toBe(true);
    expect(takesVerbosity("gpt-4o")).toBe(false);
  });
});
