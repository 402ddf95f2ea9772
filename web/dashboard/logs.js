// Startup and shutdown logs, live. Each (re)connected stream starts with a tail of the log; the whole log is read
// from the API then, and lines the stream repeats are dropped (matched on time and text). Search hides the lines
// that do not contain the text; Follow keeps the newest line in view.
import { el, fill } from './dom.js';
import { clock } from './format.js';

const SOURCES = ['startup', 'shutdown'];

export function createLogs(agent) {
  const search = document.getElementById('log-search');
  const follow = document.getElementById('log-follow');
  const views = Object.fromEntries(SOURCES.map((source) => [source, {
    list: document.getElementById(`log-${source}`),
    seen: new Map(),
    waiting: null,
    generation: 0,
  }]));

  const key = (at, output) => `${at}\u0000${output}`;
  const matches = (item) => {
    const query = search.value.trim().toLowerCase();
    return query === '' || item.dataset.text.includes(query);
  };

  const append = (view, at, output, level) => {
    const item = el('li', { class: `level-${level || 'info'}`, 'data-text': output.toLowerCase() },
      el('time', { datetime: at }, clock(at)),
      el('span', {}, output));
    item.hidden = !matches(item);
    view.list.append(item);
  };

  const scroll = () => {
    if (!follow.checked) return;
    for (const view of Object.values(views)) view.list.scrollTop = view.list.scrollHeight;
  };

  // A line of the stream: shown unless the whole log read from the API already had it.
  const take = (view, line) => {
    const id = key(line.at, line.output);
    const count = view.seen.get(id) || 0;
    if (count > 0) {
      view.seen.set(id, count - 1);
      return;
    }
    append(view, line.at, line.output, line.level);
  };

  /** A new stream: read each whole log again; the stream's lines wait until it is read. */
  const reset = async () => {
    await Promise.all(SOURCES.map(async (source) => {
      const view = views[source];
      const generation = ++view.generation;
      view.waiting = [];
      let lines = [];
      try {
        const response = await fetch(`/api/v2/workspaceagents/${encodeURIComponent(agent)}/${source}-logs`, { headers: { Accept: 'application/json' } });
        if (response.ok) lines = await response.json();
      } catch {
        // The stream's tail is shown instead.
      }
      if (generation !== view.generation) return;
      fill(view.list);
      view.seen = new Map();
      for (const line of lines) {
        const id = key(line.created_at, line.output);
        view.seen.set(id, (view.seen.get(id) || 0) + 1);
        append(view, line.created_at, line.output, line.level);
      }
      const waiting = view.waiting;
      view.waiting = null;
      for (const line of waiting) take(view, line);
    }));
    scroll();
  };

  search.addEventListener('input', () => {
    for (const item of document.querySelectorAll('.log li[data-text]')) item.hidden = !matches(item);
  });
  follow.addEventListener('change', scroll);

  return {
    reset,
    /** A log event of the stream: { at, source, output, level }. */
    add(line) {
      const view = views[line.source];
      if (!view) return;
      if (view.waiting) view.waiting.push(line);
      else {
        take(view, line);
        scroll();
      }
    },
    /** Marks that the logs reached their size limit. */
    overflowed(yes) {
      document.getElementById('log-startup-overflow').hidden = !yes;
    },
  };
}
