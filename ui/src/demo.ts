// Dev-only sample backend (`npm run dev`, then open /?demo) for looking at the
// UI without Rust. main.ts imports it behind import.meta.env.DEV, so
// production builds drop it.
import { mockIPC } from "@tauri-apps/api/mocks";
import type { ConversationView, MessageView } from "./lib/ipc";

function m(
  id: string,
  parentId: string | null,
  role: MessageView["role"],
  text: string,
  extra: Partial<MessageView> = {},
): MessageView {
  return {
    id,
    parentId,
    role,
    status: "complete",
    text,
    reasoning: "",
    citations: [],
    notes: [],
    toolSteps: [],
    fileCitations: [],
    toolOutputs: [],
    files: [],
    attachments: [],
    model: role === "assistant" ? "gpt-5-mini" : null,
    usage:
      role === "assistant"
        ? { inputTokens: 812, cachedTokens: 0, outputTokens: 421, reasoningTokens: 64 }
        : null,
    costUsd: role === "assistant" ? 0.00098 : null,
    thoughtMs: null,
    askedFor: [],
    error: null,
    damaged: false,
    createdAt: 0,
    children: [],
    ...extra,
  };
}

const answer = `Here is a quick comparison, with a formula: the mean is $\\bar x = \\frac{1}{n}\\sum_i x_i$.

| Language | Typing | Memory |
|---|---|---|
| Rust | static | ownership |
| Python | dynamic | GC |

\`\`\`rust
fn main() {
    let v: Vec<i32> = (1..=3).collect();
    println!("{:?}", v); // [1, 2, 3]
}
\`\`\`

See [the Rust book](https://doc.rust-lang.org/book/) for more. ![diagram](https://example.com/d.png)`;

const messages: MessageView[] = [
  m("u1", null, "user", "Compare Rust and Python for a CLI tool.", { children: ["a1", "a1b"] }),
  m("a1", "u1", "assistant", "An earlier answer.", {}),
  m("a1b", "u1", "assistant", answer, {
    reasoning: "The user wants a comparison. A table and a code sample help.",
    citations: [{ url: "https://doc.rust-lang.org/book/", title: "The Rust Programming Language" }],
    children: ["u2"],
  }),
  m("u2", "a1b", "user", "And what about startup time?", { children: ["a2"] }),
  m("a2", "u2", "assistant", "", {
    status: "error",
    usage: null,
    costUsd: null,
    thoughtMs: null,
    askedFor: [],
    error: {
      code: "http_status",
      message: "Rate limit reached for requests",
      status: 429,
      apiCode: "rate_limit_exceeded",
    },
  }),
];

const conversation: ConversationView = {
  id: "c1",
  title: "Rust vs Python for CLIs",
  pinned: true,
  messages,
  currentLeafId: "a2",
  mcpServers: [],
  assistant: null,
  instructions: "",
  assistantChanges: [],
  composerChanges: {
    model: null,
    webSearch: null,
    codeInterpreter: null,
    imageGeneration: null,
    reasoningEffort: null,
  },
  costUsd: 0.0049,
  unpricedAnswers: 0,
  usage: { inputTokens: 2400, cachedTokens: 300, outputTokens: 900, reasoningTokens: 120 },
};

export function installDemoBackend(setup: boolean): void {
  mockIPC((cmd) => {
    switch (cmd) {
      case "keyring_status":
        return { available: true, sessionOnly: false, message: null };
      case "list_providers":
        return setup
          ? []
          : [
              {
                id: "p1",
                name: "CometAPI",
                kind: "cometapi",
                baseUrl: "https://api.cometapi.com/v1",
                hasKey: true,
                keyLast4: "1234",
                active: true,
              },
            ];
      case "env_key_offers":
        return [
          {
            variable: "OPENAI_API_KEY",
            kind: "openai",
            baseUrl: "https://api.openai.com/v1",
            keyLast4: "9f3a",
          },
        ];
      case "list_conversations":
        return [
          { id: "c1", title: conversation.title, pinned: true, updatedAt: 3 },
          { id: "c2", title: "Trip ideas for Hà Nội", pinned: false, updatedAt: 2 },
          { id: "c3", title: "SQL window functions", pinned: false, updatedAt: 1 },
        ];
      case "get_conversation":
        return conversation;
      case "get_settings":
        return {
          settings: {
            theme: "system",
            language: "system",
            fontSize: 15,
            serverSideStorage: true,
            model: "gpt-5-mini",
            webSearch: false,
            reasoningEffort: null,
          },
          damaged: [],
        };
      case "list_models":
        return ["gpt-5", "gpt-5-mini", "gpt-4.1", "o4-mini"];
      default:
        return null;
    }
  });
}
