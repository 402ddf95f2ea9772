// The agent page's Recordings tab: the agent's session recordings from /api/v2/workspaceagents/{name}/recordings
// (newest first: who, kind, started, duration, size, bytes dropped), each with a download link of its .cast and a
// Play button that fetches the cast into the player. Read each time the tab is shown, and on Refresh.
import { el, fill } from './dom.js';
import { bytes, duration } from './format.js';
import { createPlayer } from './player.js';

export function createRecordings(agent) {
  const api = `/api/v2/workspaceagents/${encodeURIComponent(agent)}/recordings`;
  const panel = document.getElementById('panel-recordings');
  const list = document.getElementById('recordings');
  const player = createPlayer(document.getElementById('player'));

  const open = async (recording, name) => {
    try {
      const response = await fetch(`${api}/${encodeURIComponent(recording.id)}`);
      if (!response.ok) {
        player.failed(name, `could not be read (${response.status})`);
        return;
      }
      player.load(name, await response.text());
    } catch {
      player.failed(name, 'could not be read');
    }
  };

  const row = (recording) => {
    const started = new Date(recording.started_at);
    const name = `${recording.kind} session of ${recording.who || 'someone'} at ${started.toLocaleString()}`;
    const lasted = recording.ended_at ? duration(Date.parse(recording.ended_at) - started.getTime()) : 'running';
    return el('tr', { 'data-recording': recording.id },
      el('td', { 'data-field': 'who' }, recording.who || '—'),
      el('td', { 'data-field': 'kind' }, recording.kind),
      el('td', {}, el('time', { datetime: recording.started_at }, started.toLocaleString())),
      el('td', { 'data-field': 'duration' }, lasted),
      el('td', { 'data-field': 'size' }, bytes(recording.size)),
      el('td', { 'data-field': 'dropped', class: recording.dropped_bytes > 0 ? 'warn' : null }, recording.dropped_bytes > 0 ? bytes(recording.dropped_bytes) : '—'),
      el('td', { class: 'actions' },
        el('button', { type: 'button', class: 'button', 'data-action': 'play', onclick: () => open(recording, name) }, 'Play'),
        ' ',
        el('a', { href: `${api}/${encodeURIComponent(recording.id)}`, download: `${agent}-${recording.id}.cast` }, 'Download')));
  };

  const refresh = async () => {
    let recordings = null;
    try {
      const response = await fetch(api, { headers: { Accept: 'application/json' } });
      if (response.ok) recordings = await response.json();
    } catch {
      // Said below.
    }
    if (recordings === null) fill(list, el('tr', {}, el('td', { colspan: 7, class: 'warn' }, 'The recordings could not be read.')));
    else if (recordings.length === 0) fill(list, el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'No recordings.')));
    else fill(list, recordings.map(row));
  };

  document.getElementById('recordings-refresh').addEventListener('click', refresh);
  // Read whenever the tab shows its panel (by click, keyboard or the #recordings link).
  new MutationObserver(() => { if (!panel.hidden) refresh(); }).observe(panel, { attributes: true, attributeFilter: ['hidden'] });
  if (!panel.hidden) refresh();
}
