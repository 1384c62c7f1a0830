"""Recorded streams through openai-python's Stream (httpx MockTransport, no network)."""
import pathlib, sys, time
import openai
try:  # openai >= 3 ships its own fork of httpx as `httpx2`
    import httpx2 as httpx
except ImportError:
    import httpx

corpus, rounds = pathlib.Path(sys.argv[1]), int(sys.argv[2])
bodies = [p.read_bytes() for p in sorted(corpus.glob("*/response.sse"))]
expected = sum(sum(1 for l in b.split(b"\n") if l.startswith(b"data: ") and l != b"data: [DONE]") for b in bodies)
current = {"body": b""}
transport = httpx.MockTransport(lambda req: httpx.Response(200, headers={"content-type": "text/event-stream"}, content=current["body"]))
client = openai.OpenAI(api_key="x", base_url="http://127.0.0.1/v1", http_client=httpx.Client(transport=transport), max_retries=0)

def run_once():
    events = failures = 0
    for body in bodies:
        current["body"] = body
        try:
            for _ in client.responses.create(model="m", input="x", stream=True):
                events += 1
        except Exception as e:  # a failure is counted, not fatal
            failures += 1
    return events, failures

run_once()
start = time.perf_counter()
for _ in range(rounds):
    events, failures = run_once()
secs = (time.perf_counter() - start) / rounds
mb = sum(map(len, bodies)) / 1e6
print(f"openai-python {openai.__version__}: {events}/{expected} events, {failures} failed streams, "
      f"{events/secs:,.0f} events/s, {mb/secs:.1f} MB/s")
