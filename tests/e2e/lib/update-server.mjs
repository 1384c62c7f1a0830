// A loopback update server for the updater test: it serves a Tauri updater
// manifest (`latest.json`) and the bundle it names, signed with a key pair
// made for the test by the Tauri CLI. `scenario` picks what it answers, so
// one running app can meet every fault in turn. `down()` stops listening
// (connections are refused) until `up()`.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./harness.mjs";

const TAURI = join(ROOT, "ui", "node_modules", ".bin", "tauri");

/** A fresh minisign key pair from `tauri signer generate`; returns paths and the public key. */
export function generateKeyPair(dir, name) {
  const key = join(dir, `${name}.key`);
  execFileSync(TAURI, ["signer", "generate", "-w", key, "--ci", "-p", ""], { stdio: "ignore" });
  return { key, pubkey: readFileSync(`${key}.pub`, "utf8").trim() };
}

/** `tauri signer sign`: the `.sig` text for `file`, bound to `version`. */
export function sign(file, key, version) {
  // Only the throwaway key given here: never a signing key from the environment.
  const env = { ...process.env };
  delete env.TAURI_SIGNING_PRIVATE_KEY;
  delete env.TAURI_SIGNING_PRIVATE_KEY_PATH;
  execFileSync(TAURI, ["signer", "sign", "-f", key, "-p", "", "--app-version", version, file], {
    stdio: "ignore",
    env,
  });
  return readFileSync(`${file}.sig`, "utf8").trim();
}

/**
 * An "AppImage" the updater accepts: a real ELF (a copy of /bin/true, so it
 * runs) with a marker and padding after it, big enough to report progress.
 */
export function fakeAppImage(path, marker, size = 1_500_000) {
  copyFileSync("/bin/true", path);
  const bytes = Buffer.concat([readFileSync(path), Buffer.from(`\n${marker}\n`)]);
  const padded = Buffer.alloc(Math.max(size, bytes.length));
  bytes.copy(padded);
  writeFileSync(path, padded, { mode: 0o755 });
  return padded;
}

const TARGET = "linux-x86_64";

/** Makes the test's keys and bundles, then serves them on 127.0.0.1. */
export async function startUpdateServer() {
  const dir = mkdtempSync(join(tmpdir(), "halley-update-"));
  const trusted = generateKeyPair(dir, "trusted");
  const stranger = generateKeyPair(dir, "stranger");
  const bundlePath = join(dir, "Halley_0.1.1_amd64.AppImage");
  const bundle = fakeAppImage(bundlePath, "halley 0.1.1");
  const signature = sign(bundlePath, trusted.key, "0.1.1");
  const strangerSignature = sign(bundlePath, stranger.key, "0.1.1");
  // Signed with the trusted key, but for the version being replaced.
  const oldSignature = sign(bundlePath, trusted.key, "0.1.0");

  const state = { scenario: "good", requests: [] };
  const manifest = (version, platforms) => ({
    version,
    notes: "Faster search.\nA clearer error when the keyring is locked.",
    pub_date: "2026-12-01T12:00:00Z",
    platforms,
  });
  const platform = (sig, file = "bundle") => ({
    [TARGET]: { signature: sig, url: `${server.url}/download/${file}` },
  });
  const manifests = {
    good: () => manifest("0.1.1", platform(signature)),
    "wrong-key": () => manifest("0.1.1", platform(strangerSignature)),
    "version-mismatch": () => manifest("0.1.1", platform(oldSignature)),
    corrupt: () => manifest("0.1.1", platform(signature, "corrupt")),
    truncated: () => manifest("0.1.1", platform(signature, "truncated")),
    tampered: () => manifest("0.1.1", platform(signature, "tampered")),
    "other-os": () =>
      manifest("0.1.1", {
        "windows-x86_64": { signature, url: `${server.url}/download/bundle` },
        "darwin-aarch64": { signature, url: `${server.url}/download/bundle` },
      }),
    older: () => manifest("0.0.9", platform(signature)),
    equal: () => manifest("0.1.0", platform(signature)),
  };

  async function sendSlowly(res, bytes) {
    // In pieces with pauses, so the app has progress to show.
    res.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": bytes.length,
    });
    const piece = Math.ceil(bytes.length / 6);
    for (let at = 0; at < bytes.length; at += piece) {
      res.write(bytes.subarray(at, at + piece));
      await new Promise((r) => setTimeout(r, 150));
    }
    res.end();
  }

  const http = createServer((req, res) => {
    state.requests.push(req.url);
    if (req.url === "/latest.json") {
      if (state.scenario === "500") {
        res.writeHead(500, { "content-type": "text/plain" }).end("internal error");
        return;
      }
      const body = JSON.stringify(manifests[state.scenario]());
      res.writeHead(200, { "content-type": "application/json" }).end(body);
      return;
    }
    if (req.url === "/download/bundle") return void sendSlowly(res, bundle);
    if (req.url === "/download/corrupt") {
      const corrupt = Buffer.from(bundle);
      corrupt[corrupt.length >> 1] ^= 0xff;
      return void sendSlowly(res, corrupt);
    }
    if (req.url === "/download/tampered") {
      // Another valid ELF of the same size: what an attacker would swap in.
      const tampered = Buffer.from(bundle);
      tampered.write("halley 6.6.6", bundle.indexOf("halley 0.1.1"));
      return void sendSlowly(res, tampered);
    }
    if (req.url === "/download/truncated") {
      // Promises the whole file, sends half, and hangs up.
      res.writeHead(200, { "content-length": bundle.length });
      res.write(bundle.subarray(0, bundle.length >> 1), () => res.destroy());
      return;
    }
    res.writeHead(404).end();
  });
  const listen = (port) =>
    new Promise((ok, fail) => {
      http.once("error", fail);
      http.listen(port, "127.0.0.1", () => ok(http.address().port));
    });
  const port = await listen(0);
  const server = {
    url: `http://127.0.0.1:${port}`,
    endpoint: `http://127.0.0.1:${port}/latest.json`,
    pubkey: trusted.pubkey,
    bundle,
    state,
    /** Connections are refused until `up()`. */
    async down() {
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    },
    async up() {
      await listen(port);
    },
    async stop() {
      http.closeAllConnections();
      await new Promise((r) => http.close(() => r()));
    },
  };
  return server;
}
