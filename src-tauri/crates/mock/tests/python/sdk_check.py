"""Runs the official `openai` Python SDK against a halley-mock server, one
check per scenario, and exits non-zero if any check fails.

usage: python sdk_check.py BASE_URL     (e.g. http://127.0.0.1:PORT/v1)

The server must have been started with the shared recorded cases
(`--cases`), for the case:<name> checks.
"""

import base64
import struct
import sys
import time
import traceback
import zlib

import json
import openai

BASE_URL = sys.argv[1]
KEY = "sk-sdk-check-0123456789"
CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


def client(**options):
    options.setdefault("max_retries", 0)
    options.setdefault("timeout", 30.0)
    options.setdefault("api_key", KEY)
    return openai.OpenAI(base_url=BASE_URL, **options)


def expect(condition, why):
    if not condition:
        raise AssertionError(why)


def stream_events(model, input="hello sdk", sdk=None, **params):
    sdk = sdk or client()
    return list(sdk.responses.create(model=model, input=input, stream=True, **params))


def types(events):
    return [event.type for event in events]


def text_of(events):
    return "".join(e.delta for e in events if e.type == "response.output_text.delta")


def raises(kinds, action):
    """Runs action; returns the exception, which must be one of kinds."""
    try:
        action()
    except kinds as error:  # noqa: PERF203 - the point of the check
        return error
    raise AssertionError(f"expected {kinds}, nothing was raised")


def wait_for(predicate, why):
    for _ in range(500):
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(why)


@check
def echo_stream():
    events = stream_events("echo")
    expect(types(events)[0] == "response.created", "starts with response.created")
    expect(types(events)[-1] == "response.completed", "ends with response.completed")
    expect(text_of(events) == "hello sdk", "deltas echo the input")
    final = events[-1].response
    expect(final.output_text == "hello sdk", "the SDK folds the final output text")
    expect(final.usage.input_tokens > 0, "usage is parsed")
    numbers = [e.sequence_number for e in events]
    expect(numbers == sorted(numbers), "sequence numbers increase")


@check
def echo_non_stream_retrieve_input_items_delete():
    sdk = client()
    response = sdk.responses.create(model="echo", input=[
        {"role": "user", "content": [
            {"type": "input_text", "text": "look"},
            {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo="},
        ]},
    ])
    expect(response.status == "completed", "non-stream create returns the final response")
    expect(response.output_text == "look [1 image]", "images are counted")
    expect(sdk.responses.retrieve(response.id).id == response.id, "retrieve finds it")
    items = sdk.responses.input_items.list(response.id)
    expect(len(items.data) == 1 and items.data[0].type == "message", "input items are listed")
    sdk.responses.delete(response.id)
    raises(openai.NotFoundError, lambda: sdk.responses.retrieve(response.id))


@check
def echo_reasoning_with_encrypted_content():
    events = stream_events("echo-reasoning", include=["reasoning.encrypted_content"])
    expect("response.reasoning_summary_text.delta" in types(events), "a streamed summary")
    reasoning = events[-1].response.output[0]
    expect(reasoning.type == "reasoning", "reasoning comes first")
    expect(bool(reasoning.encrypted_content), "encrypted_content is included")
    expect(reasoning.summary[0].text.startswith("**Echoing**"), "the summary is parsed")


@check
def web_search_citation():
    events = stream_events("echo", tools=[{"type": "web_search_preview"}])
    expect("response.web_search_call.searching" in types(events), "the search is streamed")
    message = events[-1].response.output[1]
    annotation = message.content[0].annotations[0]
    expect(annotation.type == "url_citation", "a url_citation")
    expect(annotation.url == "https://example.com/source", "pointing at the example source")


@check
def function_calls_and_outputs():
    sdk = client()
    tools = [
        {"type": "function", "name": "get_weather", "parameters": {"type": "object", "properties": {}}},
        {"type": "function", "name": "get_time", "parameters": {"type": "object", "properties": {}}},
    ]
    first = sdk.responses.create(model="echo", input="call:all", tools=tools)
    calls = [item for item in first.output if item.type == "function_call"]
    expect([c.name for c in calls] == ["get_weather", "get_time"], "one call per function")
    outputs = [{"type": "function_call_output", "call_id": c.call_id, "output": c.name.upper()}
               for c in calls]
    second = sdk.responses.create(model="echo", input=outputs, tools=tools,
                                  previous_response_id=first.id)
    expect(second.output_text == "Got outputs: GET_WEATHER, GET_TIME", "outputs are answered")
    expect(second.previous_response_id == first.id, "the chain link is echoed")
    again = [{"role": "user", "content": "call-again:get_time"},
             *[item.model_dump(exclude_none=True) for item in first.output], *outputs]
    third = sdk.responses.create(model="echo", input=again, tools=tools)
    expect([i.type for i in third.output] == ["function_call"],
           "call-again: calls even with outputs in the input")


@check
def background_poll():
    sdk = client()
    created = sdk.responses.create(model="echo", input="in the background", background=True)
    expect(created.status == "queued", "background create answers queued")
    wait_for(lambda: sdk.responses.retrieve(created.id).status == "completed",
             "polling sees it complete")
    expect(sdk.responses.retrieve(created.id).output_text == "in the background", "with output")


@check
def background_cancel():
    sdk = client()
    created = sdk.responses.create(model="echo", input="slow enough to cancel",
                                   background=True, metadata={"mock_delay_ms": "200"})
    cancelled = sdk.responses.cancel(created.id)
    expect(cancelled.status == "cancelled", "cancel answers cancelled")
    expect(sdk.responses.retrieve(created.id).status == "cancelled", "and it sticks")


@check
def resume_stream():
    sdk = client()
    events = stream_events("echo", input="resume from here", sdk=sdk, background=True)
    expect(types(events)[:2] == ["response.created", "response.queued"], "queued is announced")
    resumed = list(sdk.responses.retrieve(events[0].response.id, stream=True, starting_after=3))
    expect([e.sequence_number for e in resumed] == [e.sequence_number for e in events[4:]],
           "resume replays the events after #3")


@check
def cut_stream_then_resume():
    sdk = client()
    seen = []
    stream = sdk.responses.create(model="fault:cut-after-8", input="cut me off and pick me up",
                                  stream=True, background=True)
    raises((openai.APIConnectionError, openai.APIError, Exception),
           lambda: [seen.append(e) for e in stream])
    expect(len(seen) == 8, f"the stream is cut after 8 events, got {len(seen)}")
    rest = list(sdk.responses.retrieve(seen[0].response.id, stream=True,
                                       starting_after=seen[-1].sequence_number))
    expect(rest[-1].type == "response.completed", "the response went on and completes")
    expect(text_of(seen + rest) == "cut me off and pick me up", "nothing lost or repeated")


@check
def refused_background():
    error = raises(openai.BadRequestError, lambda: client().responses.create(
        model="fault:no-background", input="x", background=True, stream=True))
    expect(error.body and error.body.get("param") == "background", "names the parameter")
    events = stream_events("fault:no-background", input="plain")
    expect(text_of(events) == "plain", "without it, it answers")


@check
def input_tokens_and_models():
    sdk = client()
    count = sdk.responses.input_tokens.count(model="echo", input="0123456789abcdef")
    expect(count.input_tokens == 4, "about a token per four characters")
    ids = [model.id for model in sdk.models.list()]
    for expected in ["echo", "echo-reasoning", "fault:stall", "case:pydai-text-json"]:
        expect(expected in ids, f"{expected} is listed")


@check
def bad_key_and_fault_401():
    raises(openai.AuthenticationError,
           lambda: client(api_key="sk-bad-key-123456789").responses.create(model="echo", input="x"))
    raises(openai.AuthenticationError, lambda: stream_events("fault:401"))


@check
def rate_limit_and_retry():
    error = raises(openai.RateLimitError, lambda: stream_events("fault:429", sdk=client(max_retries=1)))
    expect(error.response.headers.get("retry-after") == "1", "Retry-After is sent")
    events = stream_events("fault:429-once", input="retried", sdk=client(max_retries=2))
    expect(text_of(events) == "retried", "the retry succeeds")


@check
def server_error_and_retry():
    raises(openai.InternalServerError, lambda: stream_events("fault:500"))
    response = client(max_retries=2).responses.create(model="fault:500-once", input="again")
    expect(response.output_text == "again", "the retry succeeds")


@check
def server_error_after_n_requests():
    # The first two requests of this model answer; every later one is a 500.
    sdk = client(max_retries=0)
    for word in ("one", "two"):
        expect(sdk.responses.create(model="fault:500-after-2", input=word).output_text == word,
               "the first requests answer")
    raises(openai.InternalServerError,
           lambda: sdk.responses.create(model="fault:500-after-2", input="three"))
    raises(openai.InternalServerError, lambda: stream_events("fault:500-after-2", sdk=sdk))


@check
def echo_json_and_judge_answer_from_the_input():
    response = client().responses.create(model="echo-json", input="two words")
    expect(json.loads(response.output_text) == {"text": "two words", "chars": 9, "words": 2},
           "echo-json answers the text as JSON")
    events = stream_events("judge", input="Answer to grade: fine [[score:4]]")
    expect(text_of(events) == "4", "the judge reads the score marker")
    plain = client().responses.create(model="judge", input="no marker")
    expect(plain.output_text == "3", "the judge's default score")
    refused = client().responses.create(model="judge", input="[[judge:refuse]]")
    expect(not any(c.isdigit() for c in refused.output_text), "a refusal has no number")


@check
def batch_of_responses_completes_after_polls():
    sdk = client()
    lines = []
    for i, text in enumerate(["first", "second [[batch:fail]]", "third [[batch:drop]]"]):
        lines.append(json.dumps({"custom_id": f"row-{i}", "method": "POST", "url": "/v1/responses",
                                 "body": {"model": "echo", "input": text}}))
    upload = sdk.files.create(file=("requests.jsonl", "\n".join(lines).encode()), purpose="batch")
    batch = sdk.batches.create(input_file_id=upload.id, endpoint="/v1/responses",
                               completion_window="24h")
    expect(batch.status == "validating", "a new batch validates")
    seen = []
    for _ in range(10):
        batch = sdk.batches.retrieve(batch.id)
        seen.append(batch.status)
        if batch.status == "completed":
            break
    expect(seen[0] == "in_progress" and seen[-1] == "completed", f"polled to the end: {seen}")
    expect(batch.request_counts.completed == 1 and batch.request_counts.failed == 1,
           "one answered, one failed, one missing")
    output = [json.loads(line) for line in sdk.files.content(batch.output_file_id).text.splitlines()]
    expect([o["custom_id"] for o in output] == ["row-0"], "the answered row")
    body = output[0]["response"]["body"]
    expect(output[0]["response"]["status_code"] == 200, "a 200")
    expect(body["output"][0]["content"][0]["text"] == "first", "the echo's answer")
    errors = [json.loads(line) for line in sdk.files.content(batch.error_file_id).text.splitlines()]
    expect([e["custom_id"] for e in errors] == ["row-1"], "the failed row")
    expect(errors[0]["response"]["status_code"] == 500, "its status")
    raises(openai.NotFoundError, lambda: sdk.batches.retrieve("batch_nope"))
    raises(openai.BadRequestError,
           lambda: sdk.batches.create(input_file_id="file-nope", endpoint="/v1/responses",
                                      completion_window="24h"))


@check
def drop_after_n():
    seen = []

    def iterate():
        for event in client().responses.create(model="fault:drop-after-5", input="x y z w v u",
                                               stream=True):
            seen.append(event)

    raises(Exception, iterate)
    expect(len(seen) == 5, f"5 events arrive before the cut, got {len(seen)}")


@check
def stall_times_out():
    seen = []

    def iterate():
        for event in client(timeout=1.0).responses.create(model="fault:stall", input="x",
                                                          stream=True):
            seen.append(event)

    raises(Exception, iterate)
    expect(types(seen) == ["response.created"], "only created arrives")


@check
def malformed_line():
    seen = []

    def iterate():
        for event in client().responses.create(model="fault:malformed", input="x", stream=True):
            seen.append(event)

    raises(ValueError, iterate)  # json.JSONDecodeError is a ValueError
    expect(types(seen) == ["response.created", "response.in_progress"], "valid events come first")


@check
def unknown_events_pass_through():
    events = stream_events("fault:unknown-event")
    expect(types(events).count("response.future_thing") == 2, "unknown events are yielded")
    expect(types(events)[-1] == "response.completed", "the stream completes")
    expect(text_of(events) == "hello sdk", "the answer is whole")


@check
def error_event_then_failed():
    seen = []

    def iterate():
        for event in client().responses.create(model="fault:error-event", input="x", stream=True):
            seen.append(event)

    try:
        iterate()
    except openai.APIError as error:
        # SDK versions that raise on a nested error event stop here.
        expect("server had an error" in str(error), "the error message is carried")
        return
    expect("error" in types(seen), "an error event is yielded")
    expect(seen[-1].type == "response.failed", "then response.failed")
    expect(seen[-1].response.error.code == "server_error", "with response.error set")


@check
def failed_only():
    events = stream_events("fault:failed")
    expect(events[-1].type == "response.failed", "ends failed")
    expect(events[-1].response.status == "failed", "status failed")


@check
def incomplete():
    events = stream_events("fault:incomplete")
    final = events[-1]
    expect(final.type == "response.incomplete", "ends with response.incomplete")
    expect(final.response.incomplete_details.reason == "max_output_tokens", "reason is given")
    expect(final.response.output[0].status == "incomplete", "the message is incomplete")


@check
def json_error_on_stream():
    error = raises(openai.BadRequestError, lambda: stream_events("fault:json-error-on-stream"))
    expect(error.param == "temperature", "the error param is parsed")


@check
def slow():
    expect(text_of(stream_events("fault:slow", input="slowly")) == "slowly", "a slow echo")


@check
def no_chain_refuses_previous_response_id():
    sdk = client()
    first = sdk.responses.create(model="fault:no-chain", input="first")
    expect(first.output_text == "first", "without a chain link it answers like echo")
    error = raises(openai.BadRequestError, lambda: sdk.responses.create(
        model="fault:no-chain", input="second", previous_response_id=first.id))
    expect(error.code == "previous_response_not_found", "the code clients switch on")
    expect(error.param == "previous_response_id", "param names the field")
    expect(first.id in str(error.message), "the message names the missing response")


@check
def case_replays():
    events = stream_events("case:pydai-web-search-annotations-stream")
    expect(events[-1].type == "response.completed", "the recorded stream parses")
    response = client().responses.create(model="case:pydai-text-json", input="x")
    expect(bool(response.output_text), "the recorded JSON parses")
    raises(openai.BadRequestError, lambda: stream_events("case:pydai-http-400-stream-request"))


@check
def bare_events_parse_without_names_or_numbers():
    events = stream_events("fault:bare-events")
    expect(types(events)[-1] == "response.completed", "the stream completes")
    expect(text_of(events) == "hello sdk", "the answer is whole")
    expect(all(getattr(e, "sequence_number", None) is None for e in events), "no event is numbered")


@check
def done_marker_after_the_terminal_event():
    events = stream_events("fault:done-marker")
    expect(types(events)[-1] == "response.completed", "[DONE] is no event")
    expect(text_of(events) == "hello sdk", "the answer is whole")


@check
def failed_after_text_has_an_empty_output():
    events = stream_events("fault:failed-after-text")
    expect(text_of(events) == "hello sdk", "the text streamed")
    expect(events[-1].type == "response.failed", "then failed")
    expect(events[-1].response.output == [], "with nothing in its output")


@check
def files_upload_list_content_delete():
    sdk = client()
    created = sdk.files.create(file=("notes.txt", b"section 3 says hello"), purpose="user_data")
    expect(created.id.startswith("file-"), "a file id")
    expect(created.bytes == 20 and created.filename == "notes.txt", "size and name kept")
    expect(any(f.id == created.id for f in sdk.files.list()), "listed")
    expect(sdk.files.retrieve(created.id).purpose == "user_data", "retrieved")
    expect(sdk.files.content(created.id).read() == b"section 3 says hello", "same bytes back")
    expect(sdk.files.delete(created.id).deleted, "deleted")
    raises(openai.NotFoundError, lambda: sdk.files.retrieve(created.id))


@check
def vector_store_upload_and_poll():
    sdk = client()
    store = sdk.vector_stores.create(name="knowledge")
    done = sdk.vector_stores.files.upload_and_poll(
        vector_store_id=store.id, file=("notes.txt", b"section 3"), poll_interval_ms=10)
    expect(done.status == "completed", "indexing completes after a few polls")
    failed = sdk.vector_stores.files.upload_and_poll(
        vector_store_id=store.id, file=("unindexable.bin", b"\x00"), poll_interval_ms=10)
    expect(failed.status == "failed", "a file that cannot be indexed fails")
    expect(failed.last_error.code == "unsupported_file", "with the reason")
    counts = sdk.vector_stores.retrieve(store.id).file_counts
    expect((counts.completed, counts.failed) == (1, 1), "the store counts both")
    batch = sdk.vector_stores.file_batches.create_and_poll(
        vector_store_id=store.id,
        file_ids=[sdk.files.create(file=("b.txt", b"b"), purpose="assistants").id],
        poll_interval_ms=10)
    expect(batch.status == "completed" and batch.file_counts.completed == 1, "a batch completes")
    expect(sdk.vector_stores.delete(store.id).deleted, "the store is deleted")


@check
def container_file_content():
    sdk = client()
    files = sdk.containers.files.list(container_id="cntr_run1")
    csv = next(f for f in files if f.path.endswith("data.csv"))
    content = sdk.containers.files.content.retrieve(file_id=csv.id, container_id="cntr_run1")
    expect(content.read().startswith(b"month,sales\njan,3\nfeb,5\n"), "the data behind the chart")
    raises(openai.NotFoundError, lambda: sdk.containers.files.list(container_id="cntr_expired"))


def simple_pdf(lines):
    """A PDF with one uncompressed content stream showing `lines` (an empty
    line is a blank one): what the mock's extractor reads."""
    shown = " ".join(f"0 -14 Td ({line}) Tj" for line in lines)
    content = f"BT /F1 12 Tf 72 720 Td {shown} ET".encode()
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
            + f"2 0 obj << /Length {len(content)} >>\nstream\n".encode()
            + content + b"\nendstream\nendobj\n%%EOF\n")


@check
def file_search_cites_the_uploaded_passage():
    sdk = client()
    store = sdk.vector_stores.create(name="handbook")
    pdf = simple_pdf(["Section 1: Opening hours are nine to five.", "",
                      "Section 3: Refunds are paid within fourteen days."])
    done = sdk.vector_stores.files.upload_and_poll(
        vector_store_id=store.id, file=("handbook.pdf", pdf), poll_interval_ms=10)
    expect(done.status == "completed", "the PDF is indexed")
    failed = sdk.vector_stores.files.upload_and_poll(
        vector_store_id=store.id, file=("unindexable.txt", b"refunds"), poll_interval_ms=10)
    expect(failed.status == "failed", "a file that cannot be indexed fails")
    tools = [{"type": "file_search", "vector_store_ids": [store.id]}]
    events = stream_events("echo", input="What does section 3 say about refunds?",
                           tools=tools, include=["file_search_call.results"])
    kinds = types(events)
    for phase in ("in_progress", "searching", "completed"):
        expect(f"response.file_search_call.{phase}" in kinds, f"file search {phase}")
    call, message = events[-1].response.output
    expect(call.type == "file_search_call" and call.status == "completed", "a file search call")
    expect(call.queries == ["What does section 3 say about refunds?"], "the question is the query")
    best = call.results[0]
    expect(best.file_id == done.id and best.filename == "handbook.pdf", "the indexed PDF is found")
    expect(best.text == "Section 3: Refunds are paid within fourteen days.", "its passage")
    expect(len(call.results) == 1, "the file that failed to index is not searched")
    text = message.content[0]
    citation = text.annotations[0]
    expect(citation.type == "file_citation" and citation.file_id == done.id, "a file citation")
    expect(best.text in text.text and text.text[citation.index] == ".", "quoting the passage")
    without = client().responses.create(model="echo", input="refunds?", tools=tools)
    expect(without.output[0].results is None, "results only when included")
    nothing = client().responses.create(model="echo", input="zebra", tools=tools)
    expect("found nothing" in nothing.output_text, "nothing matching is said")
    error = raises(openai.NotFoundError, lambda: client().responses.create(
        model="echo", input="hi",
        tools=[{"type": "file_search", "vector_store_ids": ["vs_nope"]}]))
    expect("vs_nope" in error.message, "an unknown store is refused by name")


@check
def code_interpreter_outputs_and_container_files():
    sdk = client()
    events = stream_events("echo", input="chart the sales", include=["code_interpreter_call.outputs"],
                           tools=[{"type": "code_interpreter", "container": {"type": "auto"}}])
    kinds = types(events)
    for kind in ("response.code_interpreter_call.in_progress",
                 "response.code_interpreter_call_code.delta",
                 "response.code_interpreter_call_code.done",
                 "response.code_interpreter_call.interpreting",
                 "response.code_interpreter_call.completed"):
        expect(kind in kinds, kind)
    code = "".join(e.delta for e in events if e.type == "response.code_interpreter_call_code.delta")
    call, message = events[-1].response.output
    expect(call.code == code and "plt.bar" in code, "the code streams whole")
    expect(call.container_id.startswith("cntr_"), "a container")
    logs, image = call.outputs
    expect(logs.type == "logs" and "sales" in logs.logs, "logs")
    expect(image.type == "image" and image.url.startswith("data:image/png;base64,"), "an image")
    citations = message.content[0].annotations
    expect([c.filename for c in citations] == ["chart.png", "data.csv"], "both files cited")
    csv = next(c for c in citations if c.filename == "data.csv")
    expect(csv.type == "container_file_citation" and csv.container_id == call.container_id,
           "in the call's container")
    link = message.content[0].text[csv.start_index:csv.end_index]
    expect(link == "sandbox:/mnt/data/data.csv", "the citation covers the link")
    content = sdk.containers.files.content.retrieve(file_id=csv.file_id,
                                                    container_id=csv.container_id)
    data = content.read()
    expect(data.startswith(b"month,sales\n") and data.count(b"\n") == 7, "the CSV's bytes")
    chart = next(c for c in citations if c.filename == "chart.png")
    png = sdk.containers.files.content.retrieve(file_id=chart.file_id,
                                                container_id=chart.container_id).read()
    expect(base64.b64decode(image.url.split(",", 1)[1]) == png, "the inline image is the file")
    plain = client().responses.create(model="echo", input="expired container please",
                                      tools=[{"type": "code_interpreter", "container": {"type": "auto"}}])
    expect(plain.output[0].container_id == "cntr_expired", "asked for in words")
    expect(plain.output[0].outputs is None, "outputs only when included")
    raises(openai.NotFoundError, lambda: sdk.containers.files.content.retrieve(
        file_id=csv.file_id, container_id="cntr_expired"))


def png_size(data):
    expect(data[:8] == b"\x89PNG\r\n\x1a\n", "a PNG")
    width, height = struct.unpack(">II", data[16:24])
    # Every chunk's CRC is right, and the image data inflates.
    at, idat = 8, b""
    while at < len(data):
        length, = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        crc, = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        expect(zlib.crc32(kind + body) == crc, f"{kind} chunk CRC")
        idat += body if kind == b"IDAT" else b""
        at += 12 + length
    expect(len(zlib.decompress(idat)) > width * height, "pixel data")
    return width, height


@check
def image_generation_partials_then_result():
    tool = {"type": "image_generation", "partial_images": 2, "size": "1024x1536"}
    events = stream_events("echo", input="a lighthouse at dusk", tools=[tool])
    kinds = types(events)
    expect(kinds.count("response.image_generation_call.partial_image") == 2, "two partials")
    for phase in ("in_progress", "generating", "completed"):
        expect(f"response.image_generation_call.{phase}" in kinds, f"image {phase}")
    partials = [e for e in events if e.type == "response.image_generation_call.partial_image"]
    expect([p.partial_image_index for p in partials] == [0, 1], "indexed from 0")
    call = events[-1].response.output[0]
    expect(call.type == "image_generation_call" and call.status == "completed", "a finished call")
    images = [base64.b64decode(p.partial_image_b64) for p in partials] + [base64.b64decode(call.result)]
    expect(len(set(images)) == 3, "each partial differs from the next and the result")
    expect(all(png_size(image) == (256, 384) for image in images), "a quarter of the size asked")
    expect(bool(call.revised_prompt), "a revised prompt")
    failing = stream_events("echo", input="please fail image", tools=[tool])
    kinds = types(failing)
    expect(kinds.count("response.image_generation_call.partial_image") == 1, "one partial, then")
    expect(kinds[-1] == "response.failed", "the response fails")
    expect(failing[-1].response.error.code == "server_error", "with the API's error")


@check
def a_file_over_the_limit_is_413():
    big = b"x" * (64 * 1024 * 1024 + 1)
    error = raises(openai.APIStatusError, lambda: client().files.create(
        file=("big.bin", big), purpose="user_data"))
    expect(error.status_code == 413, "413 Payload Too Large")


@check
def a_pdf_goes_by_file_id_where_inline_is_too_large():
    sdk = client()
    pdf = simple_pdf(["Section 3 says the sky is green."])
    big = pdf + b"%" * (40 * 1024 * 1024)
    # Inline as base64 the request is over the size limit: a 413.
    inline = "data:application/pdf;base64," + base64.b64encode(big).decode()
    error = raises(openai.APIStatusError, lambda: sdk.responses.create(
        model="gpt-4.1-mini",
        input=[{"role": "user", "content": [
            {"type": "input_text", "text": "read it"},
            {"type": "input_file", "filename": "big.pdf", "file_data": inline}]}]))
    expect(error.status_code == 413, "an inline 40 MB PDF is over the request limit")
    uploaded = sdk.files.create(file=("big.pdf", big), purpose="user_data")
    answer = sdk.responses.create(
        model="gpt-4.1-mini",
        input=[{"role": "user", "content": [
            {"type": "input_text", "text": "read it"},
            {"type": "input_file", "file_id": uploaded.id}]}])
    expect(answer.status == "completed" and "1 file" in answer.output_text, "by id it is read")
    raises(openai.BadRequestError, lambda: sdk.responses.create(
        model="gpt-4.1-mini",
        input=[{"role": "user", "content": [{"type": "input_file", "file_id": "file-nope"}]}]))


def main():
    passed, failed = 0, 0
    for fn in CHECKS:
        try:
            fn()
        except Exception:  # noqa: BLE001 - report every failing check
            failed += 1
            print(f"FAIL {fn.__name__}")
            traceback.print_exc(file=sys.stdout)
        else:
            passed += 1
            print(f"ok   {fn.__name__}")
    print(f"openai {openai.__version__}: {passed} checks passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
