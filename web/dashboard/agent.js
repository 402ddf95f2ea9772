// The page at /agents/{name}: one agent, live from /api/v2/workspaceagents/{name}/events (its state first, then
// each change), with the summary (apps, host keys) and listening ports read from the API.
import { el, fill } from './dom.js';
import { badge } from './badges.js';
import { learnServerTime } from './format.js';
import { follow } from './stream.js';
import { getJson, relative, showStreamState, signIn, startClock, wireSignOut } from './chrome.js';
import { wireTabs } from './tabs.js';
import { createLogs } from './logs.js';
import { createMetadata } from './metadata.js';
import { createStats } from './stats.js';
import { createResources } from './resources.js';
import { createLifecycle } from './lifecycle.js';
import { createConnections } from './connections.js';
import { drawApps, drawHostKeys, drawPorts } from './apps.js';
import { createRecordings } from './recordings.js';

const PORTS_EVERY = 10000;
const agent = decodeURIComponent(location.pathname.slice('/agents/'.length));
const api = `/api/v2/workspaceagents/${encodeURIComponent(agent)}`;
const status = { connection: 'disconnected', relay: 'disconnected', version: '', lifecycle: null, lastSeen: null };
let summary = null;

const logs = createLogs(agent);
const metadata = createMetadata(document.getElementById('metadata'));
const stats = createStats(document.getElementById('stats'), agent);
const resources = createResources(document.getElementById('resources'));
const lifecycle = createLifecycle(document.getElementById('lifecycle'), document.getElementById('startup-time'));
createRecordings(agent);
const connections = createConnections(document.getElementById('connections'), document.getElementById('panel-connections'), agent);

function drawStatus() {
  const current = lifecycle.current;
  fill(document.getElementById('agent-status'),
    el('span', {}, 'Agent ', badge(status.connection, { 'data-field': 'status' })),
    el('span', {}, 'Relay ', badge(status.relay, { 'data-field': 'relay' })),
    el('span', {}, 'Lifecycle ', badge(current ? current.state : 'created', { 'data-field': 'lifecycle' }), current ? [' ', relative(current.at, 'since', { class: 'muted' })] : null),
    el('span', {}, 'Version ', el('strong', {}, status.version || '—')));
}

async function readSummary() {
  const found = await getJson(api);
  if (found === null) return;
  learnServerTime(found.response);
  summary = found.body;
  status.version ||= summary.version;
  drawApps(document.getElementById('apps'), agent, summary.apps);
  drawHostKeys(document.getElementById('host-keys'), summary.ssh_host_keys, summary.ssh_host_key_fingerprints);
  logs.overflowed(summary.startup_logs_overflowed);
  resources.reported(summary);
  drawStatus();
}

// One read of the summary at a time; a change while one is under way reads it once more afterwards.
let reading = null;
let again = false;
function refreshSummary() {
  if (reading) {
    again = true;
    return;
  }
  reading = readSummary().catch(() => {}).finally(() => {
    reading = null;
    if (again) {
      again = false;
      refreshSummary();
    }
  });
}

async function readPorts() {
  try {
    const response = await fetch(`${api}/listening-ports`, { headers: { Accept: 'application/json' } });
    drawPorts(document.getElementById('ports'), agent, response.ok ? (await response.json()).ports : null);
  } catch {
    drawPorts(document.getElementById('ports'), agent, null);
  }
}

async function readMetadata() {
  const found = await getJson(`${api}/metadata`);
  if (found !== null) metadata.describe(found.body);
}

function appHealth(healths) {
  if (!summary) return;
  for (const app of summary.apps) if (healths[app.id]) app.health = healths[app.id];
  drawApps(document.getElementById('apps'), agent, summary.apps);
}

async function start() {
  document.title = `${agent} — agent`;
  document.getElementById('agent-name').textContent = agent;
  wireSignOut();
  wireTabs(agent, (tab) => { if (tab === 'tab-connections') connections.shown(); });
  drawStatus();
  try {
    await readSummary();
  } catch (error) {
    // The stream's snapshot and its later summary reads fill the page; it reconnects with backoff and says so.
    console.error(error);
  }
  follow(`${api}/events`, {
    connection: (event) => { status.connection = event.state; drawStatus(); },
    relay: (event) => { status.relay = event.state; drawStatus(); readPorts(); },
    startup: (event) => { status.version = event.version; drawStatus(); refreshSummary(); },
    lifecycle: (event) => { lifecycle.changed(event); drawStatus(); refreshSummary(); },
    log: (event) => logs.add(event),
    metadata: (event) => metadata.collected(event),
    app_health: (event) => appHealth(event.healths),
    stats: (event) => stats.reported(event),
    resources: (event) => resources.reported(event),
    connection_report: () => connections.reported(),
  }, {
    onOpen: () => {
      lifecycle.reset();
      logs.reset();
      stats.reset();
      readMetadata();
      connections.reported();
    },
    onState: showStreamState,
    onSignedOut: signIn,
  });
  readPorts();
  // Ports are not on the stream, nor is the logs' overflow: both are read again every 10 s.
  setInterval(() => {
    readPorts();
    refreshSummary();
  }, PORTS_EVERY);
  startClock(() => metadata.tick());
}

start();
