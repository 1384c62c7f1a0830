// Third-party gateway software for end-to-end tests, started on 127.0.0.1
// from what ./x installs for the compatibility suite (target/compat-venv):
// llmock as the model (it echoes the prompt and keeps a journal of what
// reached it) and the LiteLLM proxy in front of it, as tests/compat/run.sh
// sets them up: `bridge` turns /v1/responses into chat completions, `pass`
// passes /v1/responses through.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../../..");
const VENV = join(ROOT, "target", "compat-venv");
export const LITELLM_KEY = "sk-e2e-litellm-master";

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

async function waitFor(name, url, seconds, log) {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await new Promise((ok) => setTimeout(ok, 500));
    }
  }
  const tail = readFileSync(log, "utf8").split("\n").slice(-30).join("\n");
  throw new Error(`${name} did not answer ${url} within ${seconds} s; its log:\n${tail}`);
}

/** Starts llmock and LiteLLM; `journal()` is every request that reached the model. */
export async function startLitellm() {
  for (const bin of ["llmock", "litellm"]) {
    if (!existsSync(join(VENV, "bin", bin))) {
      throw new Error(`${join(VENV, "bin", bin)} is missing: run ./x test, which installs it`);
    }
  }
  const work = mkdtempSync(join(tmpdir(), "halley-gateways-"));
  const children = [];
  const start = (name, bin, args, env = {}) => {
    const log = join(work, `${name}.log`);
    const fd = openSync(log, "a");
    const child = spawn(join(VENV, "bin", bin), args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", fd, fd],
    });
    children.push(child);
    return log;
  };

  const llmockPort = await freePort();
  const llmock = `http://127.0.0.1:${llmockPort}`;
  const llmockLog = start("llmock", "llmock", [
    "serve",
    "--host",
    "127.0.0.1",
    "--port",
    String(llmockPort),
    "--response-style",
    "echo",
    "--log-level",
    "warning",
  ]);
  const litellmPort = await freePort();
  const config = join(work, "litellm.yaml");
  writeFileSync(
    config,
    `model_list:
  - model_name: bridge
    litellm_params:
      model: hosted_vllm/gpt-4o-mini
      api_base: ${llmock}/v1
      api_key: sk-e2e-upstream
  - model_name: pass
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: ${llmock}/v1
      api_key: sk-e2e-upstream
general_settings:
  master_key: ${LITELLM_KEY}
`,
  );
  // The cost map from the package, not the network; no telemetry.
  const litellmLog = start(
    "litellm",
    "litellm",
    ["--config", config, "--host", "127.0.0.1", "--port", String(litellmPort)],
    { LITELLM_LOCAL_MODEL_COST_MAP: "True", LITELLM_TELEMETRY: "False" },
  );
  const stop = () => {
    for (const child of children) child.kill("SIGTERM");
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await waitFor("llmock", `${llmock}/health`, 60, llmockLog);
    await waitFor(
      "LiteLLM proxy",
      `http://127.0.0.1:${litellmPort}/health/liveliness`,
      180,
      litellmLog,
    );
  } catch (error) {
    stop();
    throw error;
  }
  return {
    baseUrl: `http://127.0.0.1:${litellmPort}/v1`,
    /** The bodies of every request that reached llmock, oldest first. */
    async journal() {
      const answer = await (await fetch(`${llmock}/_llmock/requests`)).json();
      return (answer.requests ?? []).map((r) => r.body);
    },
    stop,
  };
}
