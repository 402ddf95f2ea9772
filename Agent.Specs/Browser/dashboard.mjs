// The dashboard as a person uses it, in headless Chromium (Debian's, driven by playwright-core): sign in with the URL
// `agent dev` printed, watch the agent turn ready on /, open its page, read its logs, watch metadata change, run a
// command in each of two terminals, replay the first one's recording, take screenshots at 360 and 1,920 px (light and dark), and finally stop the server
// (SIGTERM to its process) and see the page say it is stale.
// Usage: node dashboard.mjs <login url> <agent> <server pid> <report.json> <screenshot directory> <gate file>
// The agent's startup script waits for <gate file>: the list is seen starting before it is made, then ready.
// Writes each step's outcome ({ ok, detail }) to the report; exits 0 when the report was written.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [loginUrl, agent, serverPid, reportPath, screenshots, gate] = process.argv.slice(2);
const origin = new URL(loginUrl).origin;
const report = {};
const WAIT = 30000;

async function step(name, body) {
  const started = Date.now();
  try {
    report[name] = { ok: true, ...(await body()) };
  } catch (error) {
    report[name] = { ok: false, error: String(error && error.stack || error) };
  }
  report[name].ms = Date.now() - started;
  console.error(`${name}: ${JSON.stringify(report[name])}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
mkdirSync(screenshots, { recursive: true });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const pageErrors = [];
page.on('pageerror', (error) => pageErrors.push(error.message));

// The text on an xterm.js screen, line by line, in the frame of a terminal tab.
const screen = (frame) => frame.evaluate(() => {
  const buffer = window.agentTerminal.term.buffer.active;
  const lines = [];
  for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
  return lines;
});

async function runInTerminal(tab, command, expected) {
  await page.click(tab);
  const panel = await page.getAttribute(tab, 'aria-controls');
  const handle = await page.waitForSelector(`#${panel} iframe`, { timeout: WAIT });
  const frame = await handle.contentFrame();
  await frame.waitForFunction(() => window.agentTerminal && window.agentTerminal.socket.readyState === 1, null, { timeout: WAIT });
  await frame.click('.xterm');
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  const deadline = Date.now() + WAIT;
  let lines = [];
  while (Date.now() < deadline) {
    lines = await screen(frame);
    if (lines.some((line) => line.trim() === expected)) break;
    await page.waitForTimeout(100);
  }
  const id = await frame.evaluate(() => window.agentTerminal.id);
  const url = frame.url();
  return { seen: lines.some((line) => line.trim() === expected), lines, id, url };
}

try {
  await step('signIn', async () => {
    await page.goto(loginUrl);
    await page.waitForSelector(`tr[data-agent="${agent}"]`, { timeout: WAIT });
    const cookies = await context.cookies(origin);
    return { url: page.url(), cookie: cookies.find((cookie) => cookie.name === 'agent_session') || null };
  });

  await step('listTurnsReady', async () => {
    // The list is live on the all-agents stream: the agent's startup script goes on only once the page has shown it
    // starting (the gate file), and the page must show it ready without a reload.
    const state = () => page.getAttribute(`tr[data-agent="${agent}"] [data-field="lifecycle"]`, 'data-state');
    await page.waitForSelector(`tr[data-agent="${agent}"] [data-field="lifecycle"]`, { timeout: WAIT });
    const first = await state();
    let navigations = 0;
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations++; });
    writeFileSync(gate, '');
    await page.waitForSelector(`tr[data-agent="${agent}"] [data-field="lifecycle"][data-state="ready"]`, { timeout: WAIT });
    return { first, last: await state(), navigations };
  });

  await step('agentPageLogLine', async () => {
    await page.click(`tr[data-agent="${agent}"] a`);
    await page.waitForURL(`${origin}/agents/${agent}`, { timeout: WAIT });
    const url = page.url();
    await page.evaluate(() => { window.specMarker = 'not reloaded'; });
    await page.click('#tab-logs');
    await page.waitForSelector('#log-startup li:has-text("dashboard startup line")', { timeout: WAIT });
    return { url, lines: await page.locator('#log-startup li span').allTextContents() };
  });

  await step('keyboardTabs', async () => {
    await page.focus('#tab-logs');
    await page.keyboard.press('ArrowLeft');
    const focused = await page.evaluate(() => document.activeElement.id);
    const selected = await page.getAttribute('#tab-overview', 'aria-selected');
    const overviewShown = await page.isVisible('#panel-overview');
    return { focused, selected, overviewShown };
  });

  await step('metadataChangesLive', async () => {
    const cell = `tr[data-key="clock"] [data-field="value"]`;
    await page.waitForSelector(cell, { timeout: WAIT });
    const before = await page.textContent(cell);
    await page.waitForFunction(([selector, value]) => document.querySelector(selector)?.textContent !== value, [cell, before], { timeout: WAIT });
    const after = await page.textContent(cell);
    return { before, after, marker: await page.evaluate(() => window.specMarker ?? null) };
  });

  await step('hostileTextShownAsText', async () => {
    await page.waitForSelector('tr[data-key="hostile"] [data-field="value"]', { timeout: WAIT });
    const metadata = await page.textContent('tr[data-key="hostile"] [data-field="value"]');
    const logs = await page.locator('#log-startup li span').allTextContents();
    return {
      metadata,
      log: logs.find((line) => line.includes('onerror')) ?? null,
      images: await page.evaluate(() => document.querySelectorAll('main img').length),
      ran: await page.evaluate(() => window.hostileRan ?? null),
    };
  });

  // A second log source (a manifest script's): "All" labels each line with its source; picking it shows its line only.
  await step('logSourcePicker', async () => {
    await page.click('#tab-logs');
    try {
      const line = '.log li:has-text("dashboard second source line")';
      await page.waitForSelector(line, { timeout: WAIT });
      const labelInAll = await page.locator(`${line} .log-source`).textContent();
      const labelShownInAll = await page.isVisible(`${line} .log-source`);
      await page.waitForFunction(() => [...document.querySelectorAll('#log-source option')].some((o) => o.textContent === 'Second Source (1)'), null, { timeout: WAIT });
      const options = await page.locator('#log-source option').allTextContents();
      const value = await page.$eval('#log-source', (select) => [...select.options].find((o) => o.textContent.startsWith('Second Source')).value);
      await page.selectOption('#log-source', value);
      const picked = await page.locator('.log li:visible span').allTextContents();
      const labelShownWhenPicked = await page.isVisible(`${line} .log-source`);
      await page.selectOption('#log-source', '');
      const allAgain = await page.locator('.log li:visible span').allTextContents();
      return { labelInAll, labelShownInAll, options, picked, labelShownWhenPicked, allAgain };
    } finally {
      // The next steps read the overview.
      await page.click('#tab-overview');
    }
  });

  await step('metadataError', async () => {
    const cell = await page.waitForSelector('tr[data-key="failing"] [data-field="error"]', { timeout: WAIT });
    return { text: await cell.textContent(), className: await cell.getAttribute('class') };
  });

  // The volume watched at 0 % turns warning: the agent page's resources panel shows it, and the list at / badges the agent.
  await step('resourcesWarning', async () => {
    const state = await page.waitForSelector('#resources [data-resource] [data-field="state"][data-state="warning"]', { timeout: WAIT });
    const resource = await page.getAttribute('#resources [data-resource]', 'data-resource');
    const list = await context.newPage();
    await list.goto(`${origin}/`);
    const listBadge = await list.waitForSelector(`tr[data-agent="${agent}"] [data-field="resources"][data-state="warning"]`, { timeout: WAIT });
    const badgeText = await listBadge.textContent();
    await list.close();
    return { resource, state: await state.textContent(), badge: badgeText };
  });

  await step('appLink', async () => {
    const link = await page.waitForSelector('li[data-app="web"] a', { timeout: WAIT });
    return { href: await link.getAttribute('href') };
  });

  // The link opens a tab on the proxy's own origin: through the dashboard's auth-redirect and back, to the app's page.
  await step('appOpen', async () => {
    const [opened] = await Promise.all([context.waitForEvent('page', { timeout: WAIT }), page.click('li[data-app="web"] a')]);
    const text = await (await opened.waitForSelector('#app', { timeout: WAIT })).textContent();
    const url = opened.url();
    await opened.close();
    return { url, text };
  });

  await step('terminals', async () => {
    const first = await runInTerminal('#tab-terminal', 'echo dashboard-first-$((6*7))', 'dashboard-first-42');
    const second = await runInTerminal('#tab-terminal-2', 'echo dashboard-second-$((6*7))', 'dashboard-second-42');
    const again = await runInTerminal('#tab-terminal', 'echo dashboard-again-$((6*7))', 'dashboard-again-42');
    await page.click('#tab-terminal-2');
    const secondFrame = await (await page.$('#panel-terminal-2 iframe')).contentFrame();
    const secondLines = await screen(secondFrame);
    await page.screenshot({ path: join(screenshots, 'dashboard-terminal-1920-light.png') });
    return {
      first: { seen: first.seen, id: first.id, url: first.url },
      second: { seen: second.seen, id: second.id, url: second.url },
      again: { seen: again.seen, id: again.id },
      secondShowsFirst: secondLines.some((line) => line.trim() === 'dashboard-first-42'),
    };
  });

  // The terminals just opened are web-terminal (reconnecting_pty) connections: the Connections tab lists them.
  await step('connectionsTab', async () => {
    await page.click('#tab-connections');
    await page.waitForSelector('#connections tr[data-type="reconnecting_pty"]', { timeout: WAIT });
    const rows = await page.$$eval('#connections table.connections > tbody > tr', (found) => found.map((row) => ({
      type: row.querySelector('[data-field="type"]').textContent,
      ended: row.querySelector('[data-field="ended"]').textContent,
    })));
    return { rows, shown: await page.isVisible('#panel-connections') };
  });

  // The two terminals above were recorded (session_recording "on"): the oldest recording is the first terminal's.
  await step('recordings', async () => {
    await page.click('#tab-recordings');
    const rows = '#recordings tr[data-recording]';
    await page.waitForFunction((selector) => document.querySelectorAll(selector).length >= 2, rows, { timeout: WAIT });
    const kinds = await page.locator(`${rows} [data-field="kind"]`).allTextContents();
    const download = await page.getAttribute(`${rows}:last-child a[download]`, 'href');
    await page.selectOption('#player-speed', '4');
    await page.click(`${rows}:last-child [data-action="play"]`);
    await page.waitForFunction(() => (document.getElementById('player-screen')?.textContent ?? '').split('\n').some((line) => line.trim() === 'dashboard-first-42'), null, { timeout: WAIT });
    const lines = (await page.textContent('#player-screen')).split('\n');
    const position = await page.textContent('#player-position');
    await page.screenshot({ path: join(screenshots, 'dashboard-recordings-1920-light.png') });
    return { kinds, download, seen: lines.some((line) => line.trim() === 'dashboard-first-42'), position };
  });

  await step('screenshots', async () => {
    const state = await context.storageState();
    const taken = [];
    for (const [width, scheme] of [[1920, 'light'], [360, 'light'], [1920, 'dark'], [360, 'dark']]) {
      const shot = await browser.newContext({ storageState: state, viewport: { width, height: width === 360 ? 740 : 1080 }, colorScheme: scheme });
      const view = await shot.newPage();
      for (const [name, path] of [['list', '/'], ['agent', `/agents/${agent}`]]) {
        await view.goto(origin + path);
        await view.waitForSelector('[data-field="lifecycle"][data-state="ready"]', { timeout: WAIT });
        if (name === 'agent') {
          await view.waitForSelector('tr[data-key="clock"] [data-field="value"]', { timeout: WAIT });
          await view.waitForSelector('#ports li:not(.loading)', { timeout: WAIT });
        }
        const file = join(screenshots, `dashboard-${name}-${width}-${scheme}.png`);
        await view.screenshot({ path: file, fullPage: true });
        const overflow = await view.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        taken.push({ file, overflow });
      }
      await shot.close();
    }
    return { taken };
  });

  await step('signOut', async () => {
    await page.click('#sign-out');
    await page.waitForURL((url) => url.pathname === '/login', { timeout: WAIT });
    const cookie = (await context.cookies(origin)).find((candidate) => candidate.name === 'agent_session') || null;
    const response = await page.goto(`${origin}/agents/${agent}`);
    const landed = new URL(page.url());
    // Signed in again for the last step.
    await page.goto(loginUrl);
    await page.waitForSelector(`tr[data-agent="${agent}"]`, { timeout: WAIT });
    return { cookie, status: response.status(), landed: landed.pathname + landed.search };
  });

  await step('staleWhenServerStops', async () => {
    await page.goto(`${origin}/agents/${agent}`);
    await page.waitForSelector('[data-field="lifecycle"][data-state="ready"]', { timeout: WAIT });
    process.kill(Number(serverPid), 'SIGTERM');
    await page.waitForSelector('#stale:not([hidden])', { timeout: WAIT });
    const text = await page.textContent('#stale');
    // With no stream the values age on the page's clock: the one collected every second turns stale.
    await page.waitForSelector('tr[data-key="clock"].is-stale-value .stale-mark:not([hidden])', { timeout: WAIT });
    await page.screenshot({ path: join(screenshots, 'dashboard-stale-1920-light.png') });
    return { text, clockStale: true };
  });
} finally {
  report.pageErrors = pageErrors;
  writeFileSync(reportPath, JSON.stringify(report, null, 2));
  await browser.close();
}
