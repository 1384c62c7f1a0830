// Updates end to end: the real app, the real updater plugin, a loopback
// update server with a real manifest and a bundle signed by a key pair made
// for this test. The app trusts that key and endpoint only because the test
// build (debug assertions) reads HALLEY_UPDATE_PUBKEY / HALLEY_UPDATE_ENDPOINT.
// On Linux an unbundled binary updates as an AppImage: APPIMAGE names the
// file the updater replaces, here a stand-in "v0.1.0" file. Every fault must
// leave it byte for byte as it was; the good update must replace it.
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { appPids, freshDataDir, shot, startApp, startMock, test } from "./lib/harness.mjs";
import { setupFresh, tid } from "./lib/chat.mjs";
import { fakeAppImage, startUpdateServer } from "./lib/update-server.mjs";
import { sleep } from "./lib/webdriver.mjs";

let mock, server, app, session, installed, installedBytes;
const dataDir = freshDataDir();

before(async () => {
  server = await startUpdateServer();
  // What the start-up check finds: nothing newer, so it stays quiet.
  server.state.scenario = "equal";
  installed = join(dataDir, "Halley_0.1.0_amd64.AppImage");
  installedBytes = fakeAppImage(installed, "halley 0.1.0");
  mock = await startMock();
  app = await startApp({
    dataDir,
    name: "update",
    env: {
      HALLEY_UPDATE_ENDPOINT: server.endpoint,
      HALLEY_UPDATE_PUBKEY: server.pubkey,
      APPIMAGE: installed,
    },
  });
  session = app.session;
  await setupFresh(app, { baseUrl: mock.baseUrl });
});

after(async () => {
  await app?.stop();
  await mock?.stop();
  await server?.stop();
});

function assertUnchanged(what) {
  assert.deepEqual(
    readFileSync(installed),
    installedBytes,
    `${what}: the installed app is unchanged`,
  );
}

async function openUpdates() {
  if (!(await session.find(tid("update-panel")))) {
    await (await session.find(tid("settings-button"))).click();
  }
  return session.waitFor(tid("update-check"));
}

/** Clicks "Check for updates" and waits for the check to settle; returns the panel's step. */
async function check() {
  const requests = server.state.requests.length;
  await (await openUpdates()).click();
  return session.until(
    async () => {
      const step = await (await session.find(tid("update-panel"))).attribute("data-step");
      return server.state.requests.length > requests && step !== "checking" ? step : null;
    },
    { what: "the update check to finish" },
  );
}

/** Screenshots show the panel, at the bottom of Settings. */
async function shotOfPanel(name) {
  await session.execute(
    "document.querySelector('[data-testid=\"update-panel\"]').scrollIntoView({block: 'end'})",
  );
  await session.screenshot(shot(name));
}

async function errorShown() {
  const error = await session.waitFor(tid("update-error"));
  return { code: await error.attribute("data-code"), text: await error.text() };
}

test("the start-up check ran once, found nothing newer and said nothing", async () => {
  await session.until(async () => server.state.requests.includes("/latest.json"), {
    what: "the automatic check at start-up",
  });
  assert.equal(await session.find(tid("toast")), null, "no toast for 'up to date'");
});

test("an older or equal version is 'up to date'", async () => {
  for (const scenario of ["older", "equal"]) {
    server.state.scenario = scenario;
    assert.equal(await check(), "up_to_date", scenario);
    const status = await (await session.find(tid("update-status"))).text();
    assert.match(status, /Halley 0\.1\.0 is up to date/, scenario);
  }
  assertUnchanged("up to date");
});

test("server faults: 500, down, a manifest for other systems only", async () => {
  server.state.scenario = "500";
  assert.equal(await check(), "failed");
  let shown = await errorShown();
  assert.equal(shown.code, "update_server");
  assert.match(shown.text, /could not be reached or answered with an error/);
  await shotOfPanel("update-server-500");

  await server.down();
  try {
    await (await openUpdates()).click();
    shown = await session.until(
      async () => {
        const step = await (await session.find(tid("update-panel"))).attribute("data-step");
        return step === "failed" ? errorShown() : null;
      },
      { what: "the check against a server that is down to fail" },
    );
    assert.equal(shown.code, "update_server", "server down");
  } finally {
    await server.up();
  }

  server.state.scenario = "other-os";
  assert.equal(await check(), "failed");
  shown = await errorShown();
  assert.equal(shown.code, "update_not_for_this_system");
  assert.match(shown.text, /no download for this system/);
  assertUnchanged("server faults");
});

test("a bad download is refused and nothing is replaced", async () => {
  const faults = {
    "wrong-key": "update_bad_signature",
    corrupt: "update_bad_signature",
    tampered: "update_bad_signature",
    "version-mismatch": "update_bad_signature",
    truncated: "update_download_failed",
  };
  for (const [scenario, code] of Object.entries(faults)) {
    server.state.scenario = scenario;
    assert.equal(await check(), "available", scenario);
    await (await session.find(tid("update-download"))).click();
    const shown = await session.until(
      async () => {
        const step = await (await session.find(tid("update-panel"))).attribute("data-step");
        return step === "failed" ? errorShown() : null;
      },
      { what: `the ${scenario} download to be refused` },
    );
    assert.equal(shown.code, code, scenario);
    assert.equal(await session.find(tid("update-install")), null, `${scenario}: no Install button`);
    assertUnchanged(scenario);
  }
  await shotOfPanel("update-bad-signature");
});

/** Picks a UI language in Settings (scrolled to first: the list is long). */
async function chooseLanguage(value) {
  await session.execute(
    `document.querySelector('[data-testid="language-select"]').scrollIntoView({ block: "center" })`,
  );
  const language = await session.find(tid("language-select"));
  await (await language.find(`option[value="${value}"]`)).click();
}

test("the messages are in the user's language (Vietnamese)", async () => {
  await chooseLanguage("vi");
  server.state.scenario = "500";
  assert.equal(await check(), "failed");
  const shown = await errorShown();
  assert.match(shown.text, /Không kết nối được máy chủ cập nhật/);
  await chooseLanguage("en");
});

test("a signed update is shown, downloaded with progress, verified and installed", async () => {
  server.state.scenario = "good";
  assert.equal(await check(), "available");
  const version = await (await session.find(tid("update-version"))).text();
  assert.match(version, /Halley 0\.1\.1 is available \(you have 0\.1\.0\)/);
  const notes = await (await session.find(tid("update-notes"))).text();
  assert.match(notes, /Faster search/, "the release notes are shown");

  await (await session.find(tid("update-download"))).click();
  const progress = await session.waitFor(tid("update-progress"), {
    predicate: async (el) => Number(await el.attribute("value")) > 0,
  });
  assert.ok(progress, "download progress is shown");
  await shotOfPanel("update-downloading");
  const install = await session.waitFor(tid("update-install"));
  assertUnchanged("downloaded, not yet installed: nothing happens without the user's word");
  await shotOfPanel("update-ready");
  await install.click();
  await session.waitFor(tid("update-installed"));
  await shotOfPanel("update-installed");

  assert.deepEqual(readFileSync(installed), server.bundle, "the new version replaced the old one");
  assert.ok(statSync(installed).mode & 0o100, "and it is still executable");
  assert.ok(await session.find(tid("update-restart")), "a restart is offered");
});

test("Restart ends this version and starts the installed one", async () => {
  const pids = appPids(dataDir);
  assert.ok(pids.length > 0, "the app is running");
  const restart = await session.find(tid("update-restart"));
  // The click ends the app under WebDriver's feet: its answer may be an error.
  await restart.click().catch(() => {});
  // The installed stand-in is /bin/true: it starts and exits at once.
  const end = Date.now() + 15000;
  while (appPids(dataDir).length && Date.now() < end) await sleep(100);
  assert.deepEqual(appPids(dataDir), [], "the old version exited for the restart");
});
