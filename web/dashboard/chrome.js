// What every dashboard page shares: the stale banner, the sign-out button, the way to the sign-in page, and the
// clock that keeps relative times ("for 3m 2s", "12s ago") moving without redrawing the page.
import { clock, duration, serverNow } from './format.js';

let streamState = { live: true };

function drawStreamState() {
  const element = document.getElementById('stale');
  const { live, since, retryAt } = streamState;
  document.body.classList.toggle('is-stale', !live);
  element.hidden = live;
  if (live) {
    element.textContent = '';
    return;
  }
  const seconds = Math.max(0, Math.round((retryAt - Date.now()) / 1000));
  element.textContent = `Stale: live updates lost at ${clock(since)} (${duration(Date.now() - since)} ago); reconnecting in ${seconds}s.`;
}

/** Shows whether the page is live, or stale since when and when it tries again. */
export function showStreamState(state) {
  streamState = state;
  drawStreamState();
}

/** A relative time that the clock keeps current: "for 3m" (since) or "12s ago" (ago). */
export function relative(at, style, attributes = {}) {
  const element = document.createElement('time');
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.dateTime = at;
  element.dataset.relative = style;
  element.title = new Date(at).toLocaleString();
  drawRelative(element);
  return element;
}

function drawRelative(element) {
  const text = duration(serverNow() - Date.parse(element.dateTime));
  element.textContent = element.dataset.relative === 'ago' ? `${text} ago` : `for ${text}`;
}

/** Starts the one-second clock of relative times and the stale banner; extra runs on each tick too. */
export function startClock(extra) {
  setInterval(() => {
    for (const element of document.querySelectorAll('time[data-relative]')) drawRelative(element);
    if (!streamState.live) drawStreamState();
    extra?.();
  }, 1000);
}

/** Goes to the sign-in page, coming back here afterwards. */
export function signIn() {
  location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
}

/** Wires the sign-out button: POST /logout (same origin), then the sign-in page. */
export function wireSignOut() {
  document.getElementById('sign-out').addEventListener('click', async () => {
    try {
      await fetch('/logout', { method: 'POST' });
    } finally {
      location.assign('/login');
    }
  });
}

/** GETs JSON from the API: { body, response }, or null on 404; goes to sign in on 401. */
export async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (response.status === 401) {
    signIn();
    throw new Error('signed out');
  }
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return { body: await response.json(), response };
}
