// The recorded streams through openai-node's Responses streaming helper.
//
// `client.responses.stream(...)` is the SDK's own path for a streamed
// response: its SSE decoder, and `ResponseStream`, the accumulator behind
// `finalResponse()`. Only the network is replaced, by a custom `fetch`
// answering each request with one recorded stream in 16 KiB chunks.
//
// Usage: node openai_node.mjs <corpus dir> <rounds> <path to openai's index.mjs>
// Prints one `RESULT ...` line (parsed by run.sh) and the first failure.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const CHUNK = 16 * 1024;
const [corpus, roundsArg, sdkPath] = process.argv.slice(2);
const { default: OpenAI } = await import(pathToFileURL(sdkPath).href);
const VERSION = JSON.parse(readFileSync(join(dirname(sdkPath), "package.json"), "utf8")).version;
const rounds = Number(roundsArg);

/** Events on the wire: `data:` lines other than the `[DONE]` sentinel. */
const dataLines = (body) =>
  body
    .toString()
    .split("\n")
    .filter((l) => l.startsWith("data:") && l.trim() !== "data: [DONE]").length;

const streams = readdirSync(corpus)
  .sort()
  .map((name) => [name, join(corpus, name, "response.sse")])
  .filter(([, p]) => existsSync(p))
  .map(([name, p]) => [name, readFileSync(p)]);
const expected = streams.reduce((n, [, b]) => n + dataLines(b), 0);

let current = Buffer.alloc(0);
const answer = async () => {
  const body = current;
  const stream = new ReadableStream({
    start(controller) {
      for (let at = 0; at < body.length; at += CHUNK) controller.enqueue(body.subarray(at, at + CHUNK));
      controller.close();
    },
  });
  return new Response(stream, { headers: { "content-type": "text/event-stream" } });
};
const client = new OpenAI({ apiKey: "not-a-key", baseURL: "http://127.0.0.1:9/v1", maxRetries: 0, fetch: answer });

async function runOnce() {
  let events = 0, lost = 0, responses = 0, firstError = null;
  for (const [name, body] of streams) {
    current = body;
    let seen = 0;
    try {
      const stream = client.responses.stream({ model: "m", input: "x" });
      for await (const _ of stream) seen++;
      await stream.finalResponse();
      responses++;
    } catch (e) {
      firstError ??= `${name}: ${e?.constructor?.name}: ${String(e?.message ?? e).split("\n")[0].slice(0, 200)}`;
    }
    events += seen;
    lost += Math.max(dataLines(body) - seen, 0);
  }
  return { events, lost, responses, firstError };
}

await runOnce(); // warm-up
const start = performance.now();
let r;
for (let i = 0; i < rounds; i++) r = await runOnce();
const secs = (performance.now() - start) / 1000 / rounds;
const mb = streams.reduce((n, [, b]) => n + b.length, 0) / 1e6;
console.log(
  `RESULT peer=openai-node version=${VERSION}/node-${process.version} events=${r.events} expected=${expected} ` +
    `lost_events=${r.lost} responses=${r.responses} streams=${streams.length} ` +
    `events_per_s=${Math.round(r.events / secs)} mb_per_s=${(mb / secs).toFixed(2)} us_per_pass=${Math.round(secs * 1e6)}`,
);
if (r.firstError) console.log(`  first failure: ${r.firstError}`);
