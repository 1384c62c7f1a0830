// A recording proxy in front of halley-mock: forwards every request as it
// is and keeps its JSON body, so a test can compare what different clients
// (the app, exported Python, exported JavaScript) put on the wire.
import { createServer } from "node:http";

export async function startRecorder(targetBaseUrl) {
  const target = new URL(targetBaseUrl);
  const requests = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    let json = null;
    try {
      json = body.length > 0 ? JSON.parse(body.toString("utf8")) : null;
    } catch {
      json = null;
    }
    requests.push({ method: req.method, path: req.url, body: json });
    const headers = { ...req.headers };
    delete headers.host;
    delete headers["content-length"];
    try {
      const upstream = await fetch(`${target.origin}${req.url}`, {
        method: req.method,
        headers,
        body: body.length > 0 ? body : undefined,
      });
      const out = {};
      upstream.headers.forEach((value, name) => {
        if (!["content-length", "content-encoding", "transfer-encoding"].includes(name)) {
          out[name] = value;
        }
      });
      res.writeHead(upstream.status, out);
      if (upstream.body) for await (const chunk of upstream.body) res.write(chunk);
      res.end();
    } catch (error) {
      res.writeHead(502).end(String(error));
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return {
    baseUrl: `http://127.0.0.1:${port}${target.pathname}`,
    requests,
    /**
     * JSON bodies of `POST …/responses`, in order, without the request that
     * names a new conversation after its first answer (chat::title): it is
     * not a turn, and it comes whenever the model answers it.
     */
    creates: () =>
      requests
        .filter((r) => r.method === "POST" && /\/responses$/.test(r.path))
        .map((r) => r.body)
        .filter((body) => !isNaming(body)),
    /** The naming requests that `creates` leaves out. */
    namings: () =>
      requests
        .filter((r) => r.method === "POST" && /\/responses$/.test(r.path))
        .map((r) => r.body)
        .filter(isNaming),
    stop: () => new Promise((ok) => server.close(ok)),
  };
}

/** Whether a request body is the one that names a conversation (chat::title). */
export function isNaming(body) {
  return (
    typeof body?.instructions === "string" && body.instructions.startsWith("Name this conversation")
  );
}
