// Connections: who connected to the agent, from where, to do what, and how it ended (GET …/connections, newest
// first), with each connection's file operations folded in a <details>. Read when the tab is shown, and again when a
// connection_report event arrives while it is shown (at most once a second).
import { el, fill } from './dom.js';
import { bytes, clock, duration, serverNow } from './format.js';

const AT_MOST_EVERY = 1000;

const ended = (connection) => [
  connection.status_code !== null && connection.status_code !== undefined ? `exit ${connection.status_code}` : null,
  connection.signal ? `signal ${connection.signal}` : null,
  connection.reason || null,
].filter(Boolean).join(' · ');

const time = (at) => (at ? el('time', { datetime: at, title: at }, clock(at)) : el('span', { class: 'muted' }, '—'));

function lasted(connection) {
  if (!connection.connected_at) return '—';
  const until = connection.disconnected_at ? Date.parse(connection.disconnected_at) : serverNow();
  return duration(until - Date.parse(connection.connected_at));
}

function operations(connection) {
  const kept = connection.file_operations || [];
  const dropped = connection.file_operations_dropped || 0;
  if (kept.length === 0 && dropped === 0) return el('span', { class: 'muted' }, '0');
  const moved = (operation) => (operation.bytes_read ? `read ${bytes(operation.bytes_read)}` : null);
  const wrote = (operation) => (operation.bytes_written ? `written ${bytes(operation.bytes_written)}` : null);
  return el('details', {},
    el('summary', {}, `${kept.length + dropped}`, dropped ? ` (${dropped} not kept)` : null),
    el('table', { class: 'file-operations' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Operation'), el('th', {}, 'Path'), el('th', {}, 'Bytes'))),
      el('tbody', {}, kept.map((operation) => el('tr', { 'data-operation': operation.operation },
        el('td', {}, operation.operation, operation.failed ? ' (failed)' : null),
        el('td', {}, operation.path, operation.target ? ` → ${operation.target}` : null),
        el('td', {}, [moved(operation), wrote(operation)].filter(Boolean).join(', ') || '0 B'))))));
}

function row(connection) {
  const open = !connection.disconnected_at;
  return el('tr', { 'data-connection': connection.id, 'data-type': connection.type, 'data-open': open ? 'true' : 'false' },
    el('td', { 'data-label': 'Type', 'data-field': 'type' }, connection.type),
    el('td', { 'data-label': 'Who', 'data-field': 'who' }, connection.who || '—',
      connection.user && connection.user !== connection.who ? el('span', { class: 'muted' }, ` (${connection.user})`) : null),
    el('td', { 'data-label': 'From', 'data-field': 'from' }, connection.ip || '—'),
    el('td', { 'data-label': 'What', 'data-field': 'what' }, connection.what || '—'),
    el('td', { 'data-label': 'Started', 'data-field': 'started' }, time(connection.connected_at)),
    el('td', { 'data-label': 'Ended', 'data-field': 'ended' }, open ? el('strong', {}, 'open') : time(connection.disconnected_at)),
    el('td', { 'data-label': 'Duration', 'data-field': 'duration' }, lasted(connection)),
    el('td', { 'data-label': 'How it ended', 'data-field': 'how' }, ended(connection) || (open ? '' : '—')),
    el('td', { 'data-label': 'File operations', 'data-field': 'file-operations' }, operations(connection)));
}

export function createConnections(container, panel, agent) {
  let reading = false;
  let again = false;
  let lastRead = 0;
  let timer = 0;

  const draw = (connections) => {
    if (connections === null) {
      fill(container, el('p', { class: 'warn' }, 'The connections could not be read.'));
      return;
    }
    if (connections.length === 0) {
      fill(container, el('p', { class: 'muted' }, 'No connections yet.'));
      return;
    }
    fill(container, el('table', { class: 'connections' },
      el('thead', {}, el('tr', {}, ['Type', 'Who', 'From', 'What', 'Started', 'Ended', 'Duration', 'How it ended', 'File operations'].map((name) => el('th', {}, name)))),
      el('tbody', {}, connections.map(row))));
  };

  const read = async () => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    lastRead = Date.now();
    try {
      const response = await fetch(`/api/v2/workspaceagents/${encodeURIComponent(agent)}/connections`, { headers: { Accept: 'application/json' } });
      draw(response.ok ? await response.json() : null);
    } catch {
      draw(null);
    } finally {
      reading = false;
      if (again) {
        again = false;
        refresh();
      }
    }
  };

  // At most one read a second: a report within a second of the last read waits for the rest of that second.
  function refresh() {
    if (panel.hidden || timer) return;
    const wait = Math.max(0, lastRead + AT_MOST_EVERY - Date.now());
    timer = setTimeout(() => {
      timer = 0;
      read();
    }, wait);
  }

  return {
    /** The tab was shown: read the connections now. */
    shown: refresh,
    /** A connection_report event (or a new stream): read again if the tab is shown. */
    reported: refresh,
  };
}
