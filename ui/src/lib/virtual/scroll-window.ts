// The scroll container that long messages are windowed against, shared with
// them through Svelte context: the conversation's VirtualList (and the
// Playground's output pane) provide one, a Markdown inside reads it. One
// object owns the scroll position: it tells the messages when the view moved,
// and when something inside changed height it either sticks to the bottom
// (following a stream) or keeps what the reader looks at in place. WebKit
// has no CSS scroll anchoring (`overflow-anchor`), so that is done here, by
// the same rule browsers use: remember the element at the top of the view
// and where it was, and scroll by however far it moved.
import { getContext, setContext } from "svelte";

const KEY = Symbol("scroll-window");

/** Elements that can hold the view in place: list rows and message parts. */
export const ANCHOR = "data-anchor";

export class ScrollWindow {
  viewport: HTMLElement | null = null;
  /**
   * The viewport's content, held at its height while the view sticks to the
   * bottom (see `toBottom`); none in a window that never follows.
   */
  content: HTMLElement | null = null;
  private readonly listeners = new Set<() => void>();
  private anchor: Element | null = null;
  private anchorTop = 0;

  /** `following`: whether the view sticks to the bottom as content grows. */
  constructor(private readonly following: () => boolean = () => false) {}

  /** Calls `listener` whenever the view moved or changed size; returns the way to stop. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Where the last stick to the bottom left the view. A scroll event that
   * finds the view above the bottom but not above this is content that grew
   * meanwhile (a long answer adds thousands of pixels per task), not the
   * reader scrolling up.
   */
  pinnedTop = 0;

  /**
   * Scrolls to the bottom, and holds the content at least as tall as it is
   * until the next call. Without the hold, content that shrinks (a part
   * shown as text for a frame, then rendered shorter) makes the browser move
   * the view up to the new bottom, and if it grows again before the scroll
   * event is handled, that event finds the view above where it was pinned:
   * it looked like the reader scrolling up, and following stopped in the
   * middle of a stream (seen with a 1 MB answer of mixed markdown). The
   * hold lasts only until the next stick, which comes with the next change
   * of height (the resize observers call `settle`) before it is painted.
   */
  toBottom(): void {
    const viewport = this.viewport;
    if (!viewport) return;
    const content = this.content;
    if (content) content.style.minHeight = "";
    viewport.scrollTop = viewport.scrollHeight;
    this.pinnedTop = viewport.scrollTop;
    if (content) content.style.minHeight = `${content.offsetHeight}px`;
  }

  /** Lets the content shrink again (the view no longer follows the bottom). */
  private release(): void {
    if (this.content) this.content.style.minHeight = "";
  }

  /**
   * Whether the view follows the bottom after a scroll event: at the bottom
   * it does; above it, it still does if it was following and the view is not
   * above where the last stick left it (see `pinnedTop`).
   */
  follows(wasFollowing: boolean): boolean {
    const viewport = this.viewport;
    if (!viewport) return wasFollowing;
    if (viewport.scrollHeight - viewport.scrollTop - viewport.clientHeight < 48) return true;
    const follows = wasFollowing && viewport.scrollTop >= this.pinnedTop - 1;
    if (!follows) this.release();
    return follows;
  }

  /** The viewport scrolled or was resized. */
  moved(): void {
    this.pickAnchor();
    for (const listener of this.listeners) listener();
  }

  /**
   * Something inside changed height and the page shows it (call after the
   * DOM is updated): keep the bottom in view when following, else scroll by
   * however far the anchor moved.
   */
  settle(): void {
    const viewport = this.viewport;
    if (!viewport) return;
    if (this.following()) {
      this.toBottom();
      return;
    }
    this.release();
    if (this.anchor?.isConnected) {
      const moved = this.anchor.getBoundingClientRect().top - this.anchorTop;
      if (Math.abs(moved) >= 0.5) viewport.scrollTop += moved;
    }
    this.pickAnchor();
  }

  /**
   * The innermost anchor crossing the view's top edge (a part rather than
   * its message), else the first one below it. The candidates are what the
   * windows put in the page, a bounded number.
   */
  private pickAnchor(): void {
    const viewport = this.viewport;
    this.anchor = null;
    if (!viewport) return;
    const top = viewport.getBoundingClientRect().top;
    let best: Element | null = null;
    let bestTop = 0;
    for (const el of viewport.querySelectorAll(`[${ANCHOR}]`)) {
      const rect = el.getBoundingClientRect();
      if (rect.bottom <= top) continue;
      if (rect.top <= top) {
        best = el;
        bestTop = rect.top;
      } else {
        if (best === null || best.contains(el)) {
          best = el;
          bestTop = rect.top;
        }
        break;
      }
    }
    this.anchor = best;
    this.anchorTop = bestTop;
  }
}

export function provideScrollWindow(scroll: ScrollWindow): void {
  setContext(KEY, scroll);
}

/** A context holding `scroll`, for rendering a component inside it without its list (tests). */
export function scrollWindowContext(scroll: ScrollWindow): Map<symbol, ScrollWindow> {
  return new Map([[KEY, scroll]]);
}

/** The scroll window of the list this component is in, if any. */
export function scrollWindow(): ScrollWindow | undefined {
  return getContext<ScrollWindow | undefined>(KEY);
}
