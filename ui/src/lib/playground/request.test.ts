import { describe, expect, it } from "vitest";
import { buildRequest, followUpRequest, hasErrors, pendingCalls } from "./request";
import {
  completeForm,
  defaultForm,
  newAttachment,
  newMcpServer,
  type PlaygroundForm,
} from "./state";

function form(patch: Partial<PlaygroundForm> = {}): PlaygroundForm {
  const f = defaultForm("gpt-5");
  f.messages = [{ id: "m1", role: "user", parts: ["Hi"] }];
  return { ...f, ...patch };
}

const codes = (f: PlaygroundForm) => buildRequest(f).problems.map((p) => p.code);

describe("buildRequest", () => {
  it("sends only model and input when nothing else is set", () => {
    // Defaults are left to the API: a field at its default must not appear.
    expect(buildRequest(form()).body).toEqual({
      model: "gpt-5",
      input: [{ role: "user", content: [{ type: "input_text", text: "Hi" }] }],
    });
    expect(buildRequest(form()).problems).toEqual([]);
  });

  it("maps every scalar control to its API name", () => {
    const { body, problems } = buildRequest(
      form({
        instructions: "Be brief",
        temperature: 0.5,
        topP: 0.9,
        maxOutputTokens: 256,
        maxToolCalls: 3,
        topLogprobs: 5,
        truncation: "auto",
        store: false,
        serviceTier: "flex",
        parallelToolCalls: false,
        toolChoice: "required",
        include: ["reasoning.encrypted_content"],
        promptCacheKey: "k1",
        safetyIdentifier: "user-42",
        reasoningEffort: "low",
        reasoningSummary: "auto",
        verbosity: "high",
        previousResponseId: "resp_1",
      }),
    );
    expect(problems).toEqual([]);
    expect(body).toMatchObject({
      instructions: "Be brief",
      temperature: 0.5,
      top_p: 0.9,
      max_output_tokens: 256,
      max_tool_calls: 3,
      top_logprobs: 5,
      truncation: "auto",
      store: false,
      service_tier: "flex",
      parallel_tool_calls: false,
      tool_choice: "required",
      include: ["reasoning.encrypted_content"],
      prompt_cache_key: "k1",
      safety_identifier: "user-42",
      reasoning: { effort: "low", summary: "auto" },
      text: { verbosity: "high" },
      previous_response_id: "resp_1",
    });
    // `false` is a real value, not "unset": it must be sent.
    expect(body.store).toBe(false);
  });

  it("keeps roles and parts, and types assistant parts as output_text", () => {
    const { body } = buildRequest(
      form({
        messages: [
          { id: "a", role: "developer", parts: ["rules"] },
          { id: "b", role: "user", parts: ["one", "", "two"] },
          { id: "c", role: "assistant", parts: ["earlier answer"] },
          { id: "d", role: "system", parts: ["  "] },
        ],
      }),
    );
    expect(body.input).toEqual([
      { role: "developer", content: [{ type: "input_text", text: "rules" }] },
      {
        role: "user",
        content: [
          { type: "input_text", text: "one" },
          { type: "input_text", text: "two" },
        ],
      },
      { role: "assistant", content: [{ type: "output_text", text: "earlier answer" }] },
    ]);
  });

  it("flags values out of range", () => {
    expect(codes(form({ temperature: 2.5 }))).toContain("temperature");
    expect(codes(form({ topP: -0.1 }))).toContain("topP");
    expect(codes(form({ maxOutputTokens: 8 }))).toContain("maxOutputTokens");
    expect(codes(form({ topLogprobs: 21 }))).toContain("topLogprobs");
    expect(codes(form({ maxToolCalls: 0 }))).toContain("maxToolCalls");
    // The limits themselves are valid.
    expect(codes(form({ temperature: 2, topP: 1, maxOutputTokens: 16, topLogprobs: 20 }))).toEqual(
      [],
    );
  });

  it("refuses previous_response_id together with conversation", () => {
    const built = buildRequest(form({ previousResponseId: "resp_1", conversation: "conv_1" }));
    expect(built.problems.map((p) => p.code)).toContain("previousWithConversation");
    expect(hasErrors(built.problems)).toBe(true);
  });

  it("checks metadata limits: 16 keys, 64-char keys, 512-char values", () => {
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `r${i}`, key: `k${i}`, value: "v" }));
    expect(buildRequest(form({ metadata: rows(16) })).problems).toEqual([]);
    expect(codes(form({ metadata: rows(17) }))).toContain("metadataTooMany");
    expect(codes(form({ metadata: [{ id: "x", key: "k".repeat(65), value: "" }] }))).toContain(
      "metadataKeyTooLong",
    );
    expect(codes(form({ metadata: [{ id: "x", key: "k", value: "v".repeat(513) }] }))).toContain(
      "metadataValueTooLong",
    );
    expect(
      buildRequest(form({ metadata: [{ id: "x", key: "a", value: "1" }] })).body.metadata,
    ).toEqual({
      a: "1",
    });
    // Blank rows are the form's spare rows, not metadata.
    expect(
      buildRequest(form({ metadata: [{ id: "x", key: "", value: "" }] })).body.metadata,
    ).toBeUndefined();
  });

  it("builds hosted tools with only the options set", () => {
    const f = form();
    f.webSearch = {
      ...f.webSearch,
      enabled: true,
      contextSize: "low",
      city: "Hanoi",
      country: "VN",
    };
    f.fileSearch = { ...f.fileSearch, enabled: true, vectorStoreIds: "vs_1, vs_2", maxResults: 5 };
    f.codeInterpreter = { ...f.codeInterpreter, enabled: true };
    f.mcp = [
      {
        ...newMcpServer(),
        label: "deepwiki",
        url: "https://mcp.deepwiki.com/mcp",
        headers: [{ id: "h", key: "Authorization", value: "Bearer x" }],
        allowedTools: "ask_question, read_wiki",
        approval: "never",
      },
    ];
    const { body, problems } = buildRequest(f);
    expect(problems).toEqual([]);
    expect(body.tools).toEqual([
      {
        type: "web_search_preview",
        search_context_size: "low",
        user_location: { type: "approximate", city: "Hanoi", country: "VN" },
      },
      { type: "file_search", vector_store_ids: ["vs_1", "vs_2"], max_num_results: 5 },
      { type: "code_interpreter", container: { type: "auto" } },
      {
        type: "mcp",
        server_label: "deepwiki",
        server_url: "https://mcp.deepwiki.com/mcp",
        headers: { Authorization: "Bearer x" },
        allowed_tools: ["ask_question", "read_wiki"],
        require_approval: "never",
      },
    ]);
  });

  it("builds function tools and explains bad parameters JSON", () => {
    const f = form({
      functions: [
        {
          id: "f1",
          name: "get_weather",
          description: "Weather",
          strict: true,
          parameters:
            '{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}',
          cannedOutputs: ["not sent"],
        },
      ],
      toolChoice: "function",
      toolChoiceName: "get_weather",
    });
    const { body, problems } = buildRequest(f);
    expect(problems).toEqual([]);
    expect(body.tools).toEqual([
      {
        type: "function",
        name: "get_weather",
        description: "Weather",
        parameters: {
          type: "object",
          properties: { city: { type: "string" } },
          required: ["city"],
          additionalProperties: false,
        },
        strict: true,
      },
    ]);
    expect(body.tool_choice).toEqual({ type: "function", name: "get_weather" });

    const broken = buildRequest(
      form({
        functions: [
          {
            id: "f2",
            name: "x",
            description: "",
            strict: false,
            parameters: "{oops",
            cannedOutputs: [],
          },
        ],
      }),
    );
    const problem = broken.problems.find((p) => p.code === "functionParamsJson");
    // The message carries the parser's own words so the user can find the spot.
    expect(problem?.params?.message).toBeTruthy();
    expect(problem?.field).toBe("function:f2");
    expect(
      codes(
        form({
          functions: [
            {
              id: "f3",
              name: "bad name",
              description: "",
              strict: false,
              parameters: "{}",
              cannedOutputs: [],
            },
          ],
        }),
      ),
    ).toContain("functionName");
    expect(codes(form({ toolChoice: "function", toolChoiceName: "missing" }))).toContain(
      "toolChoiceName",
    );
  });

  it("maps structured output formats and checks strict schemas", () => {
    const f = form();
    f.format = { ...f.format, type: "json_object" };
    expect(buildRequest(f).body.text).toEqual({ format: { type: "json_object" } });
    f.format = {
      type: "json_schema",
      name: "person",
      description: "",
      strict: true,
      schema:
        '{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}',
    };
    expect(buildRequest(f).body.text).toEqual({
      format: {
        type: "json_schema",
        name: "person",
        schema: {
          type: "object",
          properties: { a: { type: "string" } },
          required: ["a"],
          additionalProperties: false,
        },
        strict: true,
      },
    });
    f.format.schema = '{"type":"object","properties":{"a":{"type":"string"}}}';
    expect(codes(f)).toContain("schemaNotStrict");
    f.format.strict = false;
    expect(codes(f)).not.toContain("schemaNotStrict");
  });
});

describe("function-call round trip", () => {
  const response = {
    id: "resp_9",
    output: [
      { type: "reasoning", id: "rs_1", summary: [] },
      { type: "function_call", id: "fc_1", call_id: "call_a", name: "a", arguments: "{}" },
      { type: "function_call", id: "fc_2", call_id: "call_b", name: "b", arguments: '{"x":1}' },
    ],
  };
  const outputs = [
    { callId: "call_a", output: "1" },
    { callId: "call_b", output: "2" },
  ];

  it("finds every pending call in order", () => {
    expect(pendingCalls(response).map((c) => c.callId)).toEqual(["call_a", "call_b"]);
  });

  it("chains by previous_response_id and sends only outputs when stored", () => {
    const next = followUpRequest(
      { model: "echo", input: [{ role: "user", content: "call:all" }], tools: [] },
      response,
      outputs,
    );
    expect(next).toEqual({
      model: "echo",
      tools: [],
      previous_response_id: "resp_9",
      input: [
        { type: "function_call_output", call_id: "call_a", output: "1" },
        { type: "function_call_output", call_id: "call_b", output: "2" },
      ],
    });
  });

  it("stays in the conversation instead of chaining when one is used", () => {
    const next = followUpRequest({ model: "echo", conversation: "conv_1" }, response, outputs);
    // previous_response_id and conversation together would be refused.
    expect(next.previous_response_id).toBeUndefined();
    expect(next.conversation).toBe("conv_1");
  });

  it("replays the whole exchange when store is off", () => {
    const next = followUpRequest(
      { model: "echo", store: false, input: [{ role: "user", content: "q" }] },
      response,
      outputs,
    );
    expect(next.previous_response_id).toBeUndefined();
    const types = (next.input as { type?: string; role?: string }[]).map((i) => i.type ?? i.role);
    // The reasoning item has no encrypted content, so it cannot be replayed.
    expect(types).toEqual([
      "user",
      "function_call",
      "function_call",
      "function_call_output",
      "function_call_output",
    ]);
  });
});

describe("built-in tool options", () => {
  it("file_search sends ranking options, filters and the stores picked", () => {
    const f = form();
    f.fileSearch = {
      enabled: true,
      vectorStoreIds: "vs_a\nvs_b",
      maxResults: 3,
      ranker: "default-2024-11-15",
      scoreThreshold: 0.4,
      filters:
        '{"type":"and","filters":[{"type":"eq","key":"lang","value":"vi"},{"type":"gte","key":"year","value":2024}]}',
    };
    f.include = ["file_search_call.results"];
    const { body, problems } = buildRequest(f);
    expect(problems).toEqual([]);
    expect(body.tools).toEqual([
      {
        type: "file_search",
        vector_store_ids: ["vs_a", "vs_b"],
        max_num_results: 3,
        ranking_options: { ranker: "default-2024-11-15", score_threshold: 0.4 },
        filters: {
          type: "and",
          filters: [
            { type: "eq", key: "lang", value: "vi" },
            { type: "gte", key: "year", value: 2024 },
          ],
        },
      },
    ]);
    expect(body.include).toEqual(["file_search_call.results"]);
  });

  it("refuses filters that are not JSON or not a filter, and a threshold out of 0..1", () => {
    const f = form();
    f.fileSearch = { ...f.fileSearch, enabled: true, vectorStoreIds: "vs_a", filters: "{type: eq" };
    expect(codes(f)).toContain("filtersJson");
    f.fileSearch.filters = '{"type":"eq","value":1}';
    expect(codes(f)).toContain("filtersKey");
    f.fileSearch.filters = '{"type":"near","key":"a","value":1}';
    expect(codes(f)).toContain("filtersType");
    f.fileSearch.filters = '{"type":"or","filters":[]}';
    expect(codes(f)).toContain("filtersCompound");
    f.fileSearch.filters = "";
    f.fileSearch.scoreThreshold = 1.5;
    expect(codes(f)).toEqual(["scoreThreshold"]);
  });

  it("code_interpreter: an auto container with files and a memory limit, or a container id", () => {
    const f = form();
    f.codeInterpreter = {
      enabled: true,
      container: "auto",
      containerId: "",
      fileIds: "file-1, file-2",
      memoryLimit: "4g",
    };
    expect(buildRequest(f).body.tools).toEqual([
      {
        type: "code_interpreter",
        container: { type: "auto", file_ids: ["file-1", "file-2"], memory_limit: "4g" },
      },
    ]);
    f.codeInterpreter.container = "id";
    expect(codes(f)).toEqual(["containerId"]);
    f.codeInterpreter.containerId = "cntr_123";
    expect(buildRequest(f).body.tools).toEqual([
      { type: "code_interpreter", container: "cntr_123" },
    ]);
  });

  it("image_generation sends each option under its API name, and checks the numbers", () => {
    const f = form();
    f.imageGeneration = {
      enabled: true,
      model: "gpt-image-1",
      size: "1024x1536",
      quality: "high",
      background: "transparent",
      outputFormat: "webp",
      outputCompression: 80,
      moderation: "low",
      partialImages: 2,
      inputFidelity: "high",
      action: "generate",
    };
    const { body, problems } = buildRequest(f);
    expect(problems).toEqual([]);
    expect(body.tools).toEqual([
      {
        type: "image_generation",
        model: "gpt-image-1",
        size: "1024x1536",
        quality: "high",
        background: "transparent",
        output_format: "webp",
        output_compression: 80,
        moderation: "low",
        partial_images: 2,
        input_fidelity: "high",
        action: "generate",
      },
    ]);
    f.imageGeneration.partialImages = 4;
    f.imageGeneration.size = "big";
    expect(codes(f).sort()).toEqual(["imageSize", "partialImages"]);
    f.imageGeneration = { ...defaultForm().imageGeneration, enabled: true };
    expect(buildRequest(f).body.tools).toEqual([{ type: "image_generation" }]);
  });

  it("web_search takes allowed domains; web_search_preview has no filters", () => {
    const f = form();
    f.webSearch = {
      ...f.webSearch,
      enabled: true,
      variant: "web_search",
      allowedDomains: "openai.com, pubmed.ncbi.nlm.nih.gov",
      city: "Hanoi",
      region: "Hanoi",
      country: "VN",
      timezone: "Asia/Ho_Chi_Minh",
      contextSize: "high",
    };
    expect(buildRequest(f).body.tools).toEqual([
      {
        type: "web_search",
        filters: { allowed_domains: ["openai.com", "pubmed.ncbi.nlm.nih.gov"] },
        search_context_size: "high",
        user_location: {
          type: "approximate",
          city: "Hanoi",
          region: "Hanoi",
          country: "VN",
          timezone: "Asia/Ho_Chi_Minh",
        },
      },
    ]);
    f.webSearch.allowedDomains = "https://openai.com/x";
    expect(codes(f)).toEqual(["domainNotHost"]);
    f.webSearch.variant = "web_search_preview";
    const tool = (buildRequest(f).body.tools as Record<string, unknown>[])[0];
    expect(tool?.type).toBe("web_search_preview");
    expect(tool?.filters).toBeUndefined();
  });

  it("tool_choice forces a hosted tool that is offered, or an MCP server's tool", () => {
    const f = form();
    f.fileSearch = { ...f.fileSearch, enabled: true, vectorStoreIds: "vs_a" };
    f.toolChoice = "hosted";
    f.toolChoiceName = "file_search";
    expect(buildRequest(f).body.tool_choice).toEqual({ type: "file_search" });
    expect(codes(f)).toEqual([]);
    f.toolChoiceName = "image_generation";
    expect(codes(f)).toEqual(["toolChoiceNotOffered"]);
    f.webSearch = { ...f.webSearch, enabled: true, variant: "web_search" };
    f.toolChoiceName = "web_search_preview";
    expect(codes(f)).toEqual([]);

    f.mcp = [{ ...newMcpServer(), label: "deepwiki", url: "https://mcp.deepwiki.com/mcp" }];
    f.toolChoice = "mcp";
    f.toolChoiceServer = "deepwiki";
    f.toolChoiceName = "ask_question";
    expect(buildRequest(f).body.tool_choice).toEqual({
      type: "mcp",
      server_label: "deepwiki",
      name: "ask_question",
    });
    f.toolChoiceName = "";
    expect(buildRequest(f).body.tool_choice).toEqual({ type: "mcp", server_label: "deepwiki" });
    f.toolChoiceServer = "other";
    expect(codes(f)).toEqual(["toolChoiceServer"]);
  });

  it("images and files in a message become input_image / input_file parts", () => {
    const f = form();
    const image = newAttachment("image", "url", "https://example.com/cat.png");
    image.detail = "low";
    f.messages[0]!.attachments = [
      image,
      newAttachment("image", "file_id", "file-img"),
      newAttachment("image", "inline", "data:image/png;base64,iVBORw0K"),
      newAttachment("file", "file_id", "file-pdf", "report.pdf"),
      newAttachment("file", "url", "https://example.com/a.pdf"),
      newAttachment("file", "inline", "data:application/pdf;base64,JVBERi0=", "a.pdf"),
    ];
    const { body, problems } = buildRequest(f);
    expect(problems).toEqual([]);
    expect(body.input).toEqual([
      {
        role: "user",
        content: [
          { type: "input_text", text: "Hi" },
          { type: "input_image", image_url: "https://example.com/cat.png", detail: "low" },
          { type: "input_image", file_id: "file-img", detail: "auto" },
          { type: "input_image", image_url: "data:image/png;base64,iVBORw0K", detail: "auto" },
          { type: "input_file", file_id: "file-pdf" },
          { type: "input_file", file_url: "https://example.com/a.pdf" },
          {
            type: "input_file",
            filename: "a.pdf",
            file_data: "data:application/pdf;base64,JVBERi0=",
          },
        ],
      },
    ]);
  });

  it("refuses an attachment URL that is not http(s), inline data too large, and a non-user attachment", () => {
    const f = form();
    f.messages[0]!.attachments = [newAttachment("image", "url", "file:///etc/passwd")];
    expect(codes(f)).toEqual(["attachmentUrl"]);
    const big = "data:image/png;base64," + "A".repeat(12 * 1024 * 1024);
    f.messages[0]!.attachments = [newAttachment("image", "inline", big)];
    expect(codes(f)).toEqual(["attachmentInlineTooLarge"]);
    f.messages[0]!.attachments = [newAttachment("file", "file_id", "file-1")];
    f.messages[0]!.role = "developer";
    expect(codes(f)).toEqual(["attachmentRole"]);
  });

  it("a preset saved before these options loads with every new field at its default", () => {
    const old = JSON.parse(JSON.stringify(form())) as Record<string, unknown>;
    old.webSearch = {
      enabled: true,
      contextSize: "",
      city: "",
      region: "",
      country: "",
      timezone: "",
    };
    old.fileSearch = { enabled: false, vectorStoreIds: "", maxResults: null };
    old.codeInterpreter = { enabled: true };
    delete old.imageGeneration;
    delete old.uploads;
    delete old.stores;
    const loaded = completeForm(old as unknown as PlaygroundForm);
    expect(loaded.webSearch.variant).toBe("web_search_preview");
    expect(loaded.codeInterpreter.container).toBe("auto");
    expect(loaded.imageGeneration.enabled).toBe(false);
    expect(loaded.uploads).toEqual([]);
    expect(buildRequest(loaded).body.tools).toEqual([
      { type: "web_search_preview" },
      { type: "code_interpreter", container: { type: "auto" } },
    ]);
  });
});
