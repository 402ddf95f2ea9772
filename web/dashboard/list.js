// The page at /: every agent of the workspace, live from /api/v2/workspace/events (a summary per agent first,
// then one each time an agent's summary changes). A row is redrawn only when its agent changed.
import { el, fill } from './dom.js';
import { appCounts, badge } from './badges.js';
import { resourcesBadge } from './resources.js';
import { learnServerTime } from './format.js';
import { follow } from './stream.js';
import { getJson, relative, showStreamState, signIn, startClock, wireSignOut } from './chrome.js';

const rows = new Map();
const body = document.getElementById('agents');

function row(summary) {
  const { healthy, unhealthy } = appCounts(summary.apps);
  const warning = resourcesBadge(summary.resources);
  return el('tr', { 'data-agent': summary.name },
    el('th', { scope: 'row', 'data-label': 'Agent' }, el('a', { href: `/agents/${encodeURIComponent(summary.name)}` }, summary.name),
      warning ? [' ', warning] : null),
    el('td', { 'data-label': 'Connection' }, badge(summary.status, { 'data-field': 'status' })),
    el('td', { 'data-label': 'Relay' }, badge(summary.relay, { 'data-field': 'relay' })),
    el('td', { 'data-label': 'Lifecycle' },
      badge(summary.lifecycle_state, { 'data-field': 'lifecycle' }),
      summary.lifecycle_changed_at ? [' ', relative(summary.lifecycle_changed_at, 'since', { class: 'muted' })] : null),
    el('td', { 'data-label': 'Version' }, summary.version || '—'),
    el('td', { 'data-label': 'Apps' },
      el('span', { 'data-field': 'healthy-apps' }, `${healthy} healthy`),
      ', ',
      el('span', { 'data-field': 'unhealthy-apps', class: unhealthy > 0 ? 'warn' : null }, `${unhealthy} unhealthy`)));
}

/** Puts an agent's row in place (sorted by name), keeping the keyboard focus on its link when it had it. */
function show(summary) {
  const replacement = row(summary);
  const previous = rows.get(summary.name);
  rows.set(summary.name, replacement);
  if (previous) {
    const focused = previous.contains(document.activeElement);
    previous.replaceWith(replacement);
    if (focused) replacement.querySelector('a').focus();
    return;
  }
  if (rows.size === 1) fill(body);
  const next = [...rows.keys()].sort().find((name) => name > summary.name);
  body.insertBefore(replacement, next === undefined ? null : rows.get(next));
}

async function start() {
  wireSignOut();
  startClock();
  try {
    const list = await getJson('/api/v2/workspaceagents');
    learnServerTime(list.response);
    if (list.body.length === 0) fill(body, el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'No agents in this workspace.')));
    for (const summary of list.body) show(summary);
  } catch (error) {
    // The stream's snapshot brings every agent too; it reconnects with backoff and says so while it waits.
    console.error(error);
  }
  follow('/api/v2/workspace/events', { summary: show }, { onState: showStreamState, onSignedOut: signIn });
}

start();
