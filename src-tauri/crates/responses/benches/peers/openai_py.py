"""The recorded streams through openai-python's Responses streaming helper.

`client.responses.stream(...)` is the SDK's own path for a streamed response:
its SSE decoder, the typed event models, and `ResponseStreamState`, the
accumulator behind `get_final_response()`. Only the network is replaced, by
an httpx `MockTransport` answering each request with one recorded stream in
16 KiB chunks.

Usage: python openai_py.py <corpus dir> <rounds>
Prints one `RESULT ...` line (parsed by run.sh) and the first failure.
"""
import pathlib
import sys
import time
import warnings

import openai

try:  # openai >= 3 ships its own fork of httpx as `httpx2`
    import httpx2 as httpx
except ImportError:
    import httpx

CHUNK = 16 * 1024
# pydantic prints serializer warnings for item types it does not know; they
# are not failures (the stream goes on), only noise in the output.
warnings.simplefilter("ignore")


def data_lines(body: bytes) -> int:
    """Events on the wire: `data:` lines other than the `[DONE]` sentinel."""
    return sum(1 for l in body.split(b"\n") if l.startswith(b"data:") and l.strip() != b"data: [DONE]")


corpus, rounds = pathlib.Path(sys.argv[1]), int(sys.argv[2])
streams = [(p.parent.name, p.read_bytes()) for p in sorted(corpus.glob("*/response.sse"))]
expected = sum(data_lines(b) for _, b in streams)
current = {"body": b""}


def answer(_request):
    body = current["body"]
    chunks = [body[i : i + CHUNK] for i in range(0, len(body), CHUNK)]
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=iter(chunks))


client = openai.OpenAI(
    api_key="not-a-key",
    base_url="http://127.0.0.1:9/v1",
    http_client=httpx.Client(transport=httpx.MockTransport(answer)),
    max_retries=0,
)


def run_once():
    events = lost = responses = 0
    first_error = None
    for name, body in streams:
        current["body"] = body
        seen = 0
        try:
            with client.responses.stream(model="m", input="x") as stream:
                for _ in stream:
                    seen += 1
                stream.get_final_response()
                responses += 1
        except Exception as e:  # a failure is counted, not fatal
            first_error = first_error or f"{name}: {type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"
        events += seen
        lost += max(data_lines(body) - seen, 0)
    return events, lost, responses, first_error


run_once()  # warm-up
start = time.perf_counter()
for _ in range(rounds):
    events, lost, responses, first_error = run_once()
secs = (time.perf_counter() - start) / rounds
mb = sum(len(b) for _, b in streams) / 1e6
print(
    f"RESULT peer=openai-python version={openai.__version__}/cpython-{sys.version.split()[0]} "
    f"events={events} expected={expected} lost_events={lost} responses={responses} streams={len(streams)} "
    f"events_per_s={events / secs:.0f} mb_per_s={mb / secs:.2f} us_per_pass={secs * 1e6:.0f}"
)
if first_error:
    print(f"  first failure: {first_error}")
