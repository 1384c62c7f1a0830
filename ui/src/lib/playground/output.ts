// Output items of a run as cards. While streaming, cards are folded from the
// backend's FoldUpdates; when the run ends, the final response's `output`
// replaces them (it is the source of truth).

import { tokenProbabilities, type TokenProbability } from "./logprobs";
import { isObject } from "./schema";

export interface OutputCard {
  index: number;
  type: string;
  status: string;
  role: string;
  name: string;
  callId: string;
  serverLabel: string;
  /** Message text (output_text parts joined). */
  text: string;
  refusal: string;
  /** Reasoning summary (or reasoning text) parts joined. */
  reasoning: string;
  /** Function / MCP arguments, custom tool input. */
  arguments: string;
  code: string;
  /** Tool results shown as text: MCP output, code interpreter logs, search queries. */
  output: string;
  annotations: Record<string, unknown>[];
  /** Token probabilities of the message text, when the request asked for them. */
  logprobs: TokenProbability[];
  /** base64 images (image generation, partial images). */
  images: string[];
  /** The generated image's format (`png`, `webp`, `jpeg`), for showing and saving it. */
  imageFormat: string;
  /** file_search: the queries it ran and what it found. */
  queries: string[];
  results: SearchResult[];
  /** code_interpreter: its logs, and its images (`data:` URLs, or remote URLs the backend fetches). */
  logs: string;
  codeImages: string[];
  containerId: string;
  /** The whole item as it came, when known. */
  raw: Record<string, unknown> | null;
}

/** One passage file_search found. */
export interface SearchResult {
  fileId: string;
  filename: string;
  score: number | null;
  text: string;
}

/** A file a code interpreter made, cited in the answer: a download chip. */
export interface ContainerFileRef {
  containerId: string;
  fileId: string;
  filename: string;
}

/** The container files an answer's annotations cite, each once. */
export function containerFiles(card: OutputCard): ContainerFileRef[] {
  const seen = new Set<string>();
  const out: ContainerFileRef[] = [];
  for (const a of card.annotations) {
    if (a.type !== "container_file_citation") continue;
    const ref = {
      containerId: str(a.container_id),
      fileId: str(a.file_id),
      filename: str(a.filename) || str(a.file_id),
    };
    if (ref.containerId === "" || ref.fileId === "" || seen.has(ref.fileId)) continue;
    seen.add(ref.fileId);
    out.push(ref);
  }
  return out;
}

function blank(index: number, type: string): OutputCard {
  return {
    index,
    type,
    status: "",
    role: "",
    name: "",
    callId: "",
    serverLabel: "",
    text: "",
    refusal: "",
    reasoning: "",
    arguments: "",
    code: "",
    output: "",
    annotations: [],
    logprobs: [],
    images: [],
    imageFormat: "png",
    queries: [],
    results: [],
    logs: "",
    codeImages: [],
    containerId: "",
    raw: null,
  };
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

function list(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

/** A card for one finished output item. */
export function cardFromItem(item: Record<string, unknown>, index: number): OutputCard {
  const card = blank(index, str(item.type));
  card.raw = item;
  card.status = str(item.status);
  card.role = str(item.role);
  card.name = str(item.name);
  card.callId = str(item.call_id);
  card.serverLabel = str(item.server_label);
  card.arguments = str(item.arguments) || str(item.input);
  card.code = str(item.code);
  for (const part of list(item.content)) {
    if (part.type === "output_text") {
      card.text += str(part.text);
      card.annotations.push(...list(part.annotations));
      card.logprobs.push(...tokenProbabilities(part.logprobs));
    } else if (part.type === "refusal") card.refusal += str(part.refusal);
    else if (part.type === "reasoning_text") card.reasoning += str(part.text);
  }
  const summary = list(item.summary).map((p) => str(p.text));
  if (summary.length > 0) card.reasoning = summary.join("\n\n");
  if (card.type === "image_generation_call" && typeof item.result === "string")
    card.images.push(item.result);
  if (typeof item.output_format === "string") card.imageFormat = item.output_format;
  card.containerId = str(item.container_id);
  if (typeof item.output === "string") card.output = item.output;
  else if (Array.isArray(item.outputs)) {
    const outputs = list(item.outputs);
    card.logs = outputs
      .filter((o) => o.type === "logs")
      .map((o) => str(o.logs))
      .join("\n");
    card.codeImages = outputs.filter((o) => o.type === "image").map((o) => str(o.url));
  } else if (isObject(item.action)) {
    card.output = JSON.stringify(item.action);
  }
  if (Array.isArray(item.queries)) card.queries = (item.queries as unknown[]).map(str);
  card.results = list(item.results).map((r) => ({
    fileId: str(r.file_id),
    filename: str(r.filename) || str(r.file_id),
    score: typeof r.score === "number" ? r.score : null,
    text: str(r.text),
  }));
  if (typeof item.error === "string" && item.error !== "") card.output = item.error;
  return card;
}

export function cardsFromResponse(response: unknown): OutputCard[] {
  if (!isObject(response)) return [];
  return list(response.output).map((item, i) => cardFromItem(item, i));
}

function at(cards: OutputCard[], index: number, type = ""): OutputCard {
  let card = cards.find((c) => c.index === index);
  if (!card) {
    card = blank(index, type);
    cards.push(card);
    cards.sort((a, b) => a.index - b.index);
  }
  return card;
}

/** Folds one update (`{kind, ...}`, camelCase) into `cards`, in place. */
export function applyUpdate(cards: OutputCard[], update: Record<string, unknown>): void {
  const index = typeof update.outputIndex === "number" ? update.outputIndex : -1;
  switch (update.kind) {
    case "itemAdded": {
      const card = at(cards, index, str(update.itemType));
      card.type = str(update.itemType);
      card.name = str(update.name);
      card.role = str(update.role);
      card.callId = str(update.callId);
      card.status = "in_progress";
      break;
    }
    case "textDelta":
      at(cards, index).text += str(update.delta);
      break;
    case "textReplaced":
      at(cards, index).text = str(update.text);
      break;
    case "refusalDelta":
      at(cards, index).refusal += str(update.delta);
      break;
    case "reasoningSummaryDelta":
    case "reasoningTextDelta":
      at(cards, index).reasoning += str(update.delta);
      break;
    case "argumentsDelta":
      at(cards, index).arguments += str(update.delta);
      break;
    case "codeDelta":
      at(cards, index).code += str(update.delta);
      break;
    case "annotation":
      if (isObject(update.annotation)) at(cards, index).annotations.push(update.annotation);
      break;
    case "itemStatus":
      at(cards, index).status = str(update.status);
      break;
    case "partialImage":
      at(cards, index).images = [str(update.imageB64)];
      break;
    case "itemDone":
      if (isObject(update.item)) {
        const done = cardFromItem(update.item, index);
        const i = cards.findIndex((c) => c.index === index);
        if (i >= 0) cards[i] = done;
        else cards.push(done);
      }
      break;
  }
}

/** The text of a run's answer: its message items' text, in order. */
export function answerText(cards: readonly OutputCard[]): string {
  return cards
    .filter((c) => c.type === "message" && c.text !== "")
    .map((c) => c.text)
    .join("\n\n");
}
