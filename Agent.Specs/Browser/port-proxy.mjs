// A person at a browser opens a workspace port through the dashboard's port proxy, and the page it shows tries what a
// hostile workspace page would. Headless Chromium (Debian's, driven by playwright-core).
// Usage: node port-proxy.mjs <login url> <proxy url> <expected text> <screenshot.png> [other dashboard origin]
//   1. signs in with the printed login URL (and at the other dashboard origin, e.g. http://localhost:PORT, too);
//   2. opens the proxy URL, follows the sign-in redirects, and waits for <expected text> on the page;
//   3. from that page: a WebSocket to each dashboard origin's /pty and a credentialed fetch of its API must fail,
//      and /api/... on the page's own origin must be answered by the workspace, not the control plane.
// Exit 0 when all of it held, 1 otherwise (with what was seen).
import { chromium } from 'playwright-core';

const [loginUrl, proxyUrl, expected, screenshot, otherDashboard] = process.argv.slice(2);
const dashboards = [new URL(loginUrl).origin, ...(otherDashboard ? [otherDashboard] : [])];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const failures = [];
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  page.on('console', (message) => console.error(`page: ${message.text()}`));
  for (const origin of dashboards) {
    const login = new URL(loginUrl);
    // Where the sign-in lands (the dashboard's /) is not this script's business: only the cookie it left.
    await page.goto(`${origin}${login.pathname}${login.search}`).catch((e) => console.error(`sign-in at ${origin} landed on an error: ${e.message.split('\n')[0]}`));
    const cookies = await page.context().cookies(origin);
    if (!cookies.some((cookie) => cookie.name === 'agent_session')) failures.push(`no agent_session cookie after signing in at ${origin}`);
  }

  await page.goto(proxyUrl);
  await page.waitForFunction((text) => document.body && document.body.innerText.includes(text), expected, { timeout: 20000 })
    .catch(() => failures.push(`"${expected}" never appeared at ${page.url()}`));
  if (new URL(page.url()).origin !== new URL(proxyUrl).origin) failures.push(`ended at ${page.url()}, not on the proxy origin`);
  if (screenshot) await page.screenshot({ path: screenshot });
  const proxyCookies = await page.context().cookies(proxyUrl);
  if (!proxyCookies.some((cookie) => cookie.name === 'agent_proxy' && cookie.httpOnly)) failures.push('no HttpOnly agent_proxy cookie on the proxy origin');
  if (proxyCookies.some((cookie) => cookie.name === 'agent_session')) failures.push('the dashboard cookie is visible to the proxy origin');

  const attempts = await page.evaluate(async (origins) => {
    const socket = (url) => new Promise((resolve) => {
      const ws = new WebSocket(url);
      ws.onopen = () => { ws.close(); resolve('opened'); };
      ws.onerror = () => resolve('failed');
      setTimeout(() => resolve('timeout'), 10000);
    });
    const get = async (url) => {
      try {
        const response = await fetch(url, { credentials: 'include' });
        return `read ${response.status}: ${(await response.text()).slice(0, 80)}`;
      } catch (e) {
        return 'failed';
      }
    };
    const results = {};
    for (const origin of origins) {
      const ws = origin.replace('http:', 'ws:');
      results[`socket ${ws}/pty`] = await socket(`${ws}/api/v2/workspaceagents/main/pty?reconnect=0b6a4c1e-0000-4000-8000-0000000000aa&width=80&height=24&command=true`);
      results[`fetch ${origin}/api`] = await get(`${origin}/api/v2/workspaceagents`);
      results[`fetch ${origin}/events`] = await get(`${origin}/api/v2/workspaceagents/main/events`);
    }
    const own = await fetch('/api/v2/workspaceagents', { credentials: 'include' });
    results.own = `${own.status} ${(await own.text()).slice(0, 200)}`;
    return results;
  }, dashboards);
  for (const [what, outcome] of Object.entries(attempts)) {
    console.error(`${what}: ${outcome}`);
    if (what !== 'own' && outcome !== 'failed') failures.push(`${what} from the workspace page: ${outcome}`);
  }
  // The workspace here is python's http.server, which has no such file: its 404 page, not the control plane's JSON.
  if (!attempts.own.startsWith('404') || !attempts.own.includes('Error code: 404'))
    failures.push(`/api/... on the proxy origin was not answered by the workspace: ${attempts.own}`);
} finally {
  await browser.close();
}
for (const failure of failures) console.error(failure);
process.exit(failures.length === 0 ? 0 : 1);
