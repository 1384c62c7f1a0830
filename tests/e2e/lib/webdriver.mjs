// A small W3C WebDriver client over fetch: enough to drive the real app
// through tauri-driver + WebKitWebDriver without pulling in a framework.

// The W3C web element identifier key.
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriverError extends Error {
  /** The W3C error code (`no such element`, `stale element reference`...), when the driver sent one. */
  constructor(message, code = null) {
    super(message);
    this.code = code;
  }
}

/** Whether `error` is the driver's answer with W3C error code `code`. */
export function hasCode(error, code) {
  return error instanceof WebDriverError && error.code === code;
}

/**
 * The page is between documents (the app is starting, or the UI re-rendered
 * between finding an element and reading it): "not yet", not a failure.
 * WebKitWebDriver reports a command cut short by a page unload only as an
 * `unknown error` whose message says so, so that one case reads the message.
 */
function isTransient(error) {
  return (
    hasCode(error, "stale element reference") ||
    hasCode(error, "no such frame") ||
    (hasCode(error, "unknown error") && /unload/.test(error.message))
  );
}

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async start(driverUrl, application) {
    const body = {
      capabilities: {
        alwaysMatch: { browserName: "wry", "tauri:options": { application } },
      },
    };
    const value = await request("POST", `${driverUrl}/session`, body);
    return new Session(driverUrl, value.sessionId);
  }

  cmd(method, path, body, timeoutMs) {
    const url = `${this.base}/session/${this.id}${path}`;
    return request(method, url, body, timeoutMs);
  }

  /** Ends the session (closing the app); a driver that does not answer in 15 s is given up on. */
  async quit() {
    await this.cmd("DELETE", "", undefined, 15000).catch(() => {});
  }

  /** Finds one element by CSS selector, or null. */
  async find(selector) {
    try {
      const value = await this.cmd("POST", "/element", {
        using: "css selector",
        value: selector,
      });
      return new Element(this, value[ELEMENT]);
    } catch (error) {
      if (hasCode(error, "no such element")) return null;
      throw error;
    }
  }

  async findAll(selector) {
    const value = await this.cmd("POST", "/elements", {
      using: "css selector",
      value: selector,
    });
    return value.map((v) => new Element(this, v[ELEMENT]));
  }

  /** Waits until `selector` matches (and `predicate(el)` holds, if given). */
  async waitFor(selector, { timeout = 15000, predicate } = {}) {
    const end = Date.now() + timeout;
    let last = "not found";
    while (Date.now() < end) {
      let el = null;
      try {
        el = await this.find(selector);
      } catch (error) {
        // The page can be mid-navigation while the app starts: try again.
        if (!isTransient(error)) throw error;
      }
      if (el) {
        if (!predicate || (await predicate(el))) return el;
        last = "predicate not met";
      }
      await sleep(100);
    }
    throw new WebDriverError(`timed out waiting for ${selector} (${last})`);
  }

  /** Waits until `fn()` returns a truthy value, which it returns. */
  async until(fn, { timeout = 15000, what = "condition" } = {}) {
    const end = Date.now() + timeout;
    while (Date.now() < end) {
      let value;
      try {
        value = await fn();
      } catch (error) {
        if (!isTransient(error)) throw error;
      }
      if (value) return value;
      await sleep(100);
    }
    throw new WebDriverError(`timed out waiting for ${what}`);
  }

  execute(script, args = []) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  /** Runs `script` with a callback as its last argument; resolves with what it passes. */
  executeAsync(script, args = []) {
    return this.cmd("POST", "/execute/async", { script, args });
  }

  async screenshot(path) {
    const { writeFile } = await import("node:fs/promises");
    // A shot is for people to look at: let the page's own images (the logo)
    // finish decoding first, as they would before anyone could see the page.
    // Images still loading after 2 s are shot as they are.
    await this.until(
      () =>
        this.execute(
          "return [...document.images].every((i) => !i.src || (i.complete && i.naturalWidth > 0))",
        ),
      { timeout: 2000, what: "images to load" },
    ).catch(() => {});
    // Then two frames, so what loaded is also painted.
    await this.executeAsync(
      "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
    ).catch(() => {});
    const b64 = await this.cmd("GET", "/screenshot");
    await writeFile(path, Buffer.from(b64, "base64"));
    return path;
  }

  title() {
    return this.cmd("GET", "/title");
  }

  /** The handles of the app's windows (each webview the app opened). */
  windowHandles() {
    return this.cmd("GET", "/window/handles");
  }

  currentWindow() {
    return this.cmd("GET", "/window");
  }

  /** Drives the window `handle` from now on. */
  switchToWindow(handle) {
    return this.cmd("POST", "/window", { handle });
  }

  /** Sends keys to the focused element (e.g. "\uE007" is Enter, "\uE00C" Escape). */
  async keys(text) {
    const actions = [...text].flatMap((ch) => [
      { type: "keyDown", value: ch },
      { type: "keyUp", value: ch },
    ]);
    await this.cmd("POST", "/actions", {
      actions: [{ type: "key", id: "kb", actions }],
    });
    await this.cmd("DELETE", "/actions");
  }

  /** Presses keys together, e.g. chord("\uE009", "k") for Ctrl+K. */
  async chord(...keys) {
    const actions = [
      ...keys.map((value) => ({ type: "keyDown", value })),
      ...keys.reverse().map((value) => ({ type: "keyUp", value })),
    ];
    await this.cmd("POST", "/actions", {
      actions: [{ type: "key", id: "kb", actions }],
    });
    await this.cmd("DELETE", "/actions");
  }
}

export class Element {
  constructor(session, id) {
    this.session = session;
    this.id = id;
  }
  cmd(method, path, body) {
    return this.session.cmd(method, `/element/${this.id}${path}`, body);
  }
  /** Finds one element inside this one by CSS selector, or null. */
  async find(selector) {
    try {
      const value = await this.cmd("POST", "/element", {
        using: "css selector",
        value: selector,
      });
      return new Element(this.session, value[ELEMENT]);
    } catch (error) {
      if (hasCode(error, "no such element")) return null;
      throw error;
    }
  }
  click() {
    return this.cmd("POST", "/click", {});
  }
  type(text) {
    return this.cmd("POST", "/value", { text });
  }
  clear() {
    return this.cmd("POST", "/clear", {});
  }
  text() {
    return this.cmd("GET", "/text");
  }
  attribute(name) {
    return this.cmd("GET", `/attribute/${name}`);
  }
  property(name) {
    return this.cmd("GET", `/property/${name}`);
  }
  displayed() {
    return this.cmd("GET", "/displayed");
  }
}

async function request(method, url, body, timeoutMs = 60000) {
  const response = await fetch(url, {
    method,
    // A wedged driver must fail the test, not hang the runner forever.
    signal: AbortSignal.timeout(timeoutMs),
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok || (json.value && json.value.error)) {
    const v = json.value || {};
    throw new WebDriverError(
      `${method} ${url}: ${v.error || response.status}: ${v.message || ""}`,
      typeof v.error === "string" ? v.error : null,
    );
  }
  return json.value;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
