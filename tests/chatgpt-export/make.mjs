#!/usr/bin/env node
// Writes conversations.json shaped as a ChatGPT data export writes it: every
// field a real export has at the conversation, node and message level (null
// where ChatGPT leaves it null), uuids for ids, seconds with fractions for
// times, the hidden system root, custom instructions, an edited question and
// a regenerated answer (branches), a code-interpreter round, reasoning
// ("thoughts" and its recap), browsing with a quote, an image, and content of
// a kind no importer knows. Deterministic (seeded), so the committed file is
// what this script makes:
//
//     node tests/chatgpt-export/make.mjs > tests/chatgpt-export/conversations.json
//
// Halley's importer tests (halley-core tests/core/import.rs) and the
// end-to-end import test read that file.

let seed = 20261202;
function random() {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function uuid() {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = "4";
  hex[16] = ((parseInt(hex[16], 16) & 3) | 8).toString(16);
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

let clock = 1733000000.0;
function tick() {
  clock += 3 + random() * 40;
  return Math.round(clock * 1e6) / 1e6;
}

function author(role, name = null) {
  return { role, name, metadata: {} };
}

function message({
  role,
  name,
  content,
  model,
  recipient = "all",
  hidden = false,
  parentId,
  extra,
}) {
  const at = role === "system" ? null : tick();
  const metadata = {};
  if (hidden) metadata.is_visually_hidden_from_conversation = true;
  if (role === "user") {
    Object.assign(metadata, {
      request_id: uuid().replace(/-/g, "").slice(0, 16),
      message_source: null,
      timestamp_: "absolute",
      message_type: null,
      selected_github_repos: [],
      serialization_metadata: { custom_symbol_offsets: [] },
    });
  }
  if (role === "assistant" || role === "tool") {
    Object.assign(metadata, {
      finish_details: recipient === "all" ? { type: "stop", stop_tokens: [200002] } : undefined,
      is_complete: true,
      citations: [],
      content_references: [],
      message_type: null,
      model_slug: model,
      default_model_slug: model,
      parent_id: parentId,
      request_id: uuid().replace(/-/g, "").slice(0, 16),
      timestamp_: "absolute",
    });
    if (metadata.finish_details === undefined) delete metadata.finish_details;
  }
  Object.assign(metadata, extra ?? {});
  return {
    id: null,
    author: author(role, name),
    create_time: at,
    update_time: role === "tool" ? at : null,
    content,
    status: "finished_successfully",
    end_turn: role === "assistant" && recipient === "all" ? true : null,
    weight: hidden || role === "system" ? 0.0 : 1.0,
    metadata,
    recipient,
    channel: null,
  };
}

const text = (...parts) => ({ content_type: "text", parts });

/** Builds one conversation from a list of [key, parentKey, message spec]. */
function conversation(title, model, specs, currentKey) {
  const ids = new Map();
  const rootId = `client-created-root`;
  const mapping = { [rootId]: { id: rootId, message: null, parent: null, children: [] } };
  ids.set("root", rootId);
  const startedAt = clock;
  for (const [key, parentKey, spec] of specs) {
    const id = uuid();
    ids.set(key, id);
    const parentId = ids.get(parentKey);
    const m = message({ ...spec, model: spec.model ?? model, parentId });
    m.id = id;
    mapping[id] = { id, message: m, parent: parentId, children: [] };
    mapping[parentId].children.push(id);
  }
  const id = uuid();
  return {
    title,
    create_time: Math.round(startedAt * 1e6) / 1e6,
    update_time: Math.round(clock * 1e6) / 1e6,
    mapping,
    moderation_results: [],
    current_node: ids.get(currentKey),
    plugin_ids: null,
    conversation_id: id,
    conversation_template_id: null,
    gizmo_id: null,
    gizmo_type: null,
    is_archived: false,
    is_starred: null,
    safe_urls: [],
    blocked_urls: [],
    default_model_slug: model,
    conversation_origin: null,
    voice: null,
    async_status: null,
    disabled_tool_ids: [],
    is_do_not_remember: false,
    memory_scope: "global_enabled",
    sugar_item_id: null,
    id,
  };
}

const system = { role: "system", content: text(""), hidden: true };

const out = [
  conversation(
    "Platypus facts",
    "gpt-4o",
    [
      ["sys", "root", system],
      ["q1", "sys", { role: "user", content: text("Tell me one fact about the platypus.") }],
      [
        "a1",
        "q1",
        {
          role: "assistant",
          content: text("The platypus is one of the few mammals that lay eggs."),
        },
      ],
      // The follow-up, asked twice: the second time edited (two children of a1).
      ["q2", "a1", { role: "user", content: text("And its bill?") }],
      [
        "a2",
        "q2",
        { role: "assistant", content: text("Its bill senses the electric fields of prey.") },
      ],
      ["q2b", "a1", { role: "user", content: text("How does it hunt underwater?") }],
      [
        "a2b",
        "q2b",
        {
          role: "assistant",
          content: text("It closes its eyes and ears and hunts by electroreception."),
        },
      ],
      // The answer to the edited question, regenerated (two children of q2b).
      [
        "a2c",
        "q2b",
        {
          role: "assistant",
          content: text(
            "With its eyes shut, it finds shrimp by the **electric fields** they make.",
          ),
        },
      ],
    ],
    "a2c",
  ),
  conversation(
    "Plot a sine wave",
    "gpt-4o",
    [
      ["sys", "root", system],
      [
        "q1",
        "sys",
        {
          role: "user",
          content: {
            content_type: "multimodal_text",
            parts: [
              {
                content_type: "image_asset_pointer",
                asset_pointer: "file-service://file-7cQ2mXbE1aG9sD4hJkL0pR",
                size_bytes: 48213,
                width: 640,
                height: 480,
                fovea: null,
                metadata: {
                  dalle: null,
                  gizmo: null,
                  generation: null,
                  container_pixel_height: null,
                  container_pixel_width: null,
                  emu_omit_glimpse_image: null,
                  emu_patches_override: null,
                  sanitized: true,
                  asset_pointer_link: null,
                  watermarked_asset_pointer: null,
                },
              },
              "Plot a sine wave like the one in this sketch.",
            ],
          },
        },
      ],
      [
        "code",
        "q1",
        {
          role: "assistant",
          recipient: "python",
          content: {
            content_type: "code",
            language: "unknown",
            response_format_name: null,
            text: "import numpy as np\nx = np.linspace(0, 2*np.pi, 5)\nprint(np.round(np.sin(x), 2))",
          },
        },
      ],
      [
        "out",
        "code",
        {
          role: "tool",
          name: "python",
          content: { content_type: "execution_output", text: "[ 0.  1.  0. -1. -0.]" },
          extra: {
            is_complete: true,
            aggregate_result: {
              status: "success",
              run_id: "c0ffee00-0000-4000-8000-000000000000",
              start_time: 1733000100.5,
              update_time: 1733000101.25,
              code: "import numpy as np",
              end_time: 1733000101.25,
              final_expression_output: null,
              in_kernel_exception: null,
              system_exception: null,
              messages: [],
              jupyter_messages: [],
              timeout_triggered: null,
            },
          },
        },
      ],
      [
        "a1",
        "out",
        {
          role: "assistant",
          content: text("The sine goes 0, 1, 0, −1 and back to 0 over one period."),
        },
      ],
    ],
    "a1",
  ),
  conversation(
    "Why is the sky blue?",
    "o3",
    [
      ["sys", "root", system],
      [
        "ctx",
        "sys",
        {
          role: "user",
          hidden: true,
          content: {
            content_type: "user_editable_context",
            user_profile:
              "The user provided the following information about themselves: I teach physics.",
            user_instructions: "Answer briefly.",
          },
          extra: { user_context_message_data: { about_user_message: "I teach physics." } },
        },
      ],
      ["q1", "ctx", { role: "user", content: text("Why is the sky blue?") }],
      [
        "think",
        "q1",
        {
          role: "assistant",
          recipient: "all",
          content: {
            content_type: "thoughts",
            thoughts: [
              {
                summary: "Recalling Rayleigh scattering",
                content: "Scattering goes with the inverse fourth power of the wavelength.",
                chunks: [],
                finished: true,
              },
            ],
            source_analysis_msg_id: uuid(),
          },
        },
      ],
      [
        "recap",
        "think",
        {
          role: "assistant",
          content: { content_type: "reasoning_recap", content: "Thought for 6 seconds" },
        },
      ],
      [
        "a1",
        "recap",
        {
          role: "assistant",
          content: text(
            "Air scatters short (blue) wavelengths far more than red: Rayleigh scattering.",
          ),
        },
      ],
    ],
    "a1",
  ),
  conversation(
    "Thời tiết Hà Nội",
    "gpt-4o",
    [
      ["sys", "root", system],
      ["q1", "sys", { role: "user", content: text("Hôm nay thời tiết Hà Nội thế nào?") }],
      [
        "search",
        "q1",
        {
          role: "assistant",
          recipient: "browser",
          content: {
            content_type: "code",
            language: "unknown",
            response_format_name: null,
            text: 'search("thời tiết Hà Nội hôm nay")',
          },
        },
      ],
      [
        "browse",
        "search",
        {
          role: "tool",
          name: "browser",
          content: {
            content_type: "tether_browsing_display",
            result: "# 【0†Dự báo thời tiết Hà Nội†example.vn】\nTrời nhiều mây, 24°C.",
            summary: null,
            assets: null,
            tether_id: null,
          },
        },
      ],
      [
        "quote",
        "browse",
        {
          role: "tool",
          name: "browser",
          content: {
            content_type: "tether_quote",
            url: "https://example.vn/thoi-tiet/ha-noi",
            domain: "example.vn",
            text: "Trời nhiều mây, nhiệt độ 24°C.",
            title: "Dự báo thời tiết Hà Nội",
            tether_id: null,
          },
        },
      ],
      [
        "a1",
        "quote",
        { role: "assistant", content: text("Hà Nội hôm nay nhiều mây, khoảng 24°C.") },
      ],
    ],
    "a1",
  ),
  conversation(
    "Content from the future",
    "gpt-5",
    [
      ["sys", "root", system],
      ["q1", "sys", { role: "user", content: text("Show me a widget.") }],
      [
        "w",
        "q1",
        {
          role: "assistant",
          content: { content_type: "future_widget", widget: { kind: "dial", value: 3 } },
        },
      ],
      [
        "a1",
        "w",
        {
          role: "assistant",
          content: { content_type: "future_text", text: "Here is the widget, described in words." },
        },
      ],
    ],
    "a1",
  ),
];

process.stdout.write(JSON.stringify(out, null, 2) + "\n");
