// Recorded streams through openai-node's stream parser (custom fetch, no network).
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
const [corpus, roundsArg, sdkPath] = process.argv.slice(2);
const { default: OpenAI } = await import(sdkPath);
const rounds = Number(roundsArg);
const bodies = readdirSync(corpus).map((d) => join(corpus, d, "response.sse")).filter(existsSync).sort().map((p) => readFileSync(p));
const expected = bodies.reduce((n, b) => n + b.toString().split("\n").filter((l) => l.startsWith("data: ") && l !== "data: [DONE]").length, 0);
let current = Buffer.alloc(0);
const client = new OpenAI({ apiKey: "x", baseURL: "http://127.0.0.1/v1", maxRetries: 0,
  fetch: async () => new Response(current, { headers: { "content-type": "text/event-stream" } }) });
async function runOnce() {
  let events = 0, failures = 0;
  for (const body of bodies) {
    current = body;
    try { for await (const _ of await client.responses.create({ model: "m", input: "x", stream: true })) events++; }
    catch { failures++; }
  }
  return [events, failures];
}
await runOnce();
const start = performance.now();
let events = 0, failures = 0;
for (let i = 0; i < rounds; i++) [events, failures] = await runOnce();
const secs = (performance.now() - start) / 1000 / rounds;
const mb = bodies.reduce((n, b) => n + b.length, 0) / 1e6;
console.log(`openai-node (node ${process.version}): ${events}/${expected} events, ${failures} failed streams, ${Math.round(events / secs).toLocaleString()} events/s, ${(mb / secs).toFixed(1)} MB/s`);
