// The hello-world floor for ./x bench: reports its first paint the way
// Halley's page does (ui/src/lib/bench.ts), and when asked, streams text
// deltas over a Channel and echoes how many it has put in the DOM, once per
// frame, as Halley's stream view does.
const { invoke, Channel } = window.__TAURI__.core;

requestAnimationFrame(() => setTimeout(() => invoke("bench_mark", { mark: "first-paint" })));

function stream(out, deltas, perSecond) {
  return new Promise((done) => {
    const paragraph = document.createElement("p");
    out.append(paragraph);
    let shown = 0;
    let pending = [];
    let frame = null;
    const flush = () => {
      frame = null;
      const batch = pending;
      pending = [];
      let finished = false;
      for (const update of batch) {
        if (update.kind === "textDelta") {
          paragraph.append(update.text);
          shown++;
        } else if (update.kind === "finished") finished = true;
      }
      invoke("bench_echo", { deltas: shown });
      if (finished) done();
    };
    const channel = new Channel();
    channel.onmessage = (update) => {
      pending.push(update);
      frame ??= requestAnimationFrame(flush);
    };
    invoke("bench_stream", { deltas, perSecond, onUpdate: channel });
  });
}

const plan = await invoke("bench_stream_plan");
if (plan) {
  const out = document.getElementById("out");
  for (let run = 0; run < plan.runs; run++) {
    // Like a conversation: each answer is a new block; old ones stay.
    await stream(out, plan.deltas, plan.perSecond);
  }
}
