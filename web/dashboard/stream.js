// A Server-Sent Events stream that comes back: on a lost stream it waits 1 s, doubling to 30 s, each wait jittered,
// then opens it again; the server starts every stream with a snapshot, so the page rebuilds from it (onOpen).
// While it waits the page is stale, and onState says so and since when.
const FIRST_DELAY = 1000;
const LAST_DELAY = 30000;

/** The wait before reconnect attempt n (0-based): 1 s doubling, at most 30 s, times 0.75–1.25. */
export const backoff = (attempt) => Math.min(LAST_DELAY, FIRST_DELAY * 2 ** attempt) * (0.75 + Math.random() * 0.5);

/**
 * Opens url and dispatches its events to handlers[type](data parsed from JSON).
 * onOpen runs when a (new) stream begins, before its snapshot; onState({ live, since, retryAt }) when it is lost or back;
 * onSignedOut when the server no longer knows this browser.
 */
export function follow(url, handlers, { onOpen, onState, onSignedOut }) {
  let source = null;
  let attempt = 0;
  let since = null;
  let timer = 0;
  let stopped = false;

  const connect = () => {
    source = new EventSource(url);
    source.onopen = () => {
      if (since !== null) {
        since = null;
        onState?.({ live: true });
      }
      onOpen?.();
    };
    for (const [type, handle] of Object.entries(handlers)) {
      source.addEventListener(type, (event) => {
        // The backoff starts over only once a stream delivered something, not when one merely opened.
        attempt = 0;
        let data;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        handle(data);
      });
    }
    source.onerror = () => lost();
  };

  const lost = async () => {
    source?.close();
    source = null;
    if (stopped) return;
    since ??= new Date();
    const wait = backoff(attempt++);
    onState?.({ live: false, since, retryAt: new Date(Date.now() + wait) });
    timer = setTimeout(connect, wait);
    // A stream refused for want of sign-in never comes back by waiting.
    try {
      const probe = await fetch('/api/v2/workspaceagents', { headers: { Accept: 'application/json' } });
      if (probe.status === 401) {
        stop();
        onSignedOut?.();
      }
    } catch {
      // The server is away: the timer tries again.
    }
  };

  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    source?.close();
  };

  connect();
  return { stop };
}
