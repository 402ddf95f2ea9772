// Stats: the sessions by kind, bytes both ways and relay latency of the last window, and a chart of the last hour
// (GET …/stats, then each stats event of the stream added to its minute).
import { el, fill } from './dom.js';
import { bytes, latency, serverNow } from './format.js';
import { chart } from './chart.js';

const MINUTE = 60 * 1000;

export function createStats(container, agent) {
  const minutes = new Map(); // start of the minute (ms) -> { at, rx, tx }
  let last = null;
  let historyUntil = 0;

  const draw = () => {
    const stats = last || {};
    const hour = [...minutes.values()];
    const total = (field) => hour.reduce((sum, point) => sum + point[field], 0);
    const fact = (term, value, field) => [el('dt', {}, term), el('dd', { 'data-field': field }, value)];
    fill(container,
      el('dl', { class: 'stats' },
        fact('SSH sessions', stats.session_count_ssh ?? 0, 'ssh'),
        fact('VS Code sessions', stats.session_count_vscode ?? 0, 'vscode'),
        fact('JetBrains sessions', stats.session_count_jetbrains ?? 0, 'jetbrains'),
        fact('Terminal sessions', stats.session_count_reconnecting_pty ?? 0, 'reconnecting-pty'),
        fact('Received (last hour)', bytes(total('rx')), 'rx'),
        fact('Sent (last hour)', bytes(total('tx')), 'tx'),
        fact('Relay latency', latency(stats.connection_median_latency_ms), 'latency')),
      chart(hour, serverNow()),
      el('p', { class: 'muted' }, el('span', { class: 'legend-rx' }, '— received'), '  ', el('span', { class: 'legend-tx' }, '— sent'), ' per minute'));
  };

  const add = (at, rx, tx) => {
    const start = Math.floor(at / MINUTE) * MINUTE;
    const point = minutes.get(start) || { at: start, rx: 0, tx: 0 };
    point.rx += rx;
    point.tx += tx;
    minutes.set(start, point);
    for (const key of minutes.keys()) if (key < serverNow() - 61 * MINUTE) minutes.delete(key);
  };

  return {
    /** Reads the last hour again (a new stream): GET …/stats, when the server has it. */
    async reset() {
      let history = null;
      try {
        const response = await fetch(`/api/v2/workspaceagents/${encodeURIComponent(agent)}/stats`, { headers: { Accept: 'application/json' } });
        if (response.ok) history = await response.json();
      } catch {
        // No history: the chart starts from the stream.
      }
      if (history) {
        minutes.clear();
        for (const point of history.points || []) {
          add(Date.parse(point.at), point.rx_bytes || 0, point.tx_bytes || 0);
          last = { ...last, ...point };
        }
        historyUntil = serverNow();
      }
      draw();
    },
    /** A stats event: { at, stats }; windows the history already counted are not added twice. */
    reported(event) {
      last = event.stats;
      const at = Date.parse(event.at);
      if (at > historyUntil) add(at, event.stats.rx_bytes || 0, event.stats.tx_bytes || 0);
      draw();
    },
    draw,
  };
}
