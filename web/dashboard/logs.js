// The scripts' logs, live, one list per log source: the old startup and shutdown scripts' and the manifest's
// log_sources (read from /log-sources, with their line counts). The Source picker shows "All" (each line labelled
// with its source) or one source. Each (re)connected stream starts with a tail of the logs; each whole log is read
// from the API then, and lines the stream repeats are dropped (matched on time and text). Search hides the lines
// that do not contain the text; Follow keeps the newest line in view.
import { el, fill } from './dom.js';
import { clock } from './format.js';

// The old scripts' sources: their fixed ids in /log-sources, their own endpoints, their name in the stream.
const OLD = [
  { key: 'startup', id: '00000000-0000-4000-8000-000000000001', name: 'Startup' },
  { key: 'shutdown', id: '00000000-0000-4000-8000-000000000002', name: 'Shutdown' },
];

export function createLogs(agent) {
  const api = `/api/v2/workspaceagents/${encodeURIComponent(agent)}`;
  const search = document.getElementById('log-search');
  const follow = document.getElementById('log-follow');
  const picker = document.getElementById('log-source');
  const container = document.getElementById('log-views');
  const view = (key, name, section, list, url) => ({ key, name, section, list, url, count: 0, option: null, seen: new Map(), waiting: null, generation: 0 });
  const views = new Map(OLD.map((old) => [old.key, view(old.key, old.name,
    document.querySelector(`.log-view[data-source="${old.key}"]`), document.getElementById(`log-${old.key}`), `${api}/${old.key}-logs`)]));

  const key = (at, output) => `${at}\u0000${output}`;
  const matches = (item) => {
    const query = search.value.trim().toLowerCase();
    return query === '' || item.dataset.text.includes(query);
  };

  // A list for a log source of the manifest, made when /log-sources or the stream first names it.
  const viewOf = (id, name) => {
    if (!views.has(id)) {
      const list = el('ol', { class: 'log', 'aria-label': `${name} log` });
      const section = el('section', { class: 'log-view', 'data-source': id }, el('h2', {}, name), list);
      container.append(section);
      views.set(id, view(id, name, section, list, `${api}/logs?source=${encodeURIComponent(id)}`));
    }
    return views.get(id);
  };

  const label = (shown) => `${shown.name} (${shown.count})`;

  /** The picker: "All" and each source with its line count; the chosen one stays chosen. */
  const drawPicker = () => {
    const chosen = picker.value;
    fill(picker, el('option', { value: '' }, 'All'),
      [...views.values()].map((shown) => {
        shown.option = el('option', { value: shown.key }, label(shown));
        return shown.option;
      }));
    picker.value = views.has(chosen) ? chosen : '';
    show();
  };

  const show = () => {
    const chosen = picker.value;
    container.classList.toggle('log-all', chosen === '');
    for (const shown of views.values()) shown.section.hidden = chosen !== '' && chosen !== shown.key;
  };

  const append = (shown, at, output, level) => {
    const item = el('li', { class: `level-${level || 'info'}`, 'data-text': output.toLowerCase() },
      el('time', { datetime: at }, clock(at)),
      el('small', { class: 'log-source' }, shown.name),
      el('span', {}, output));
    item.hidden = !matches(item);
    shown.list.append(item);
    shown.count++;
  };

  const scroll = () => {
    if (!follow.checked) return;
    for (const shown of views.values()) shown.list.scrollTop = shown.list.scrollHeight;
  };

  // A line of the stream: shown unless the whole log read from the API already had it.
  const take = (shown, line) => {
    const id = key(line.at, line.output);
    const count = shown.seen.get(id) || 0;
    if (count > 0) {
      shown.seen.set(id, count - 1);
      return;
    }
    append(shown, line.at, line.output, line.level);
  };

  const readJson = async (url) => {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' } });
      return response.ok ? await response.json() : null;
    } catch {
      return null;
    }
  };

  // One whole log read again; the stream's lines wait until it is read.
  const reread = async (shown) => {
    const generation = ++shown.generation;
    shown.waiting ??= [];
    const lines = (await readJson(shown.url)) || [];
    if (generation !== shown.generation) return;
    fill(shown.list);
    shown.seen = new Map();
    shown.count = 0;
    for (const line of lines) {
      const id = key(line.created_at, line.output);
      shown.seen.set(id, (shown.seen.get(id) || 0) + 1);
      append(shown, line.created_at, line.output, line.level);
    }
    const waiting = shown.waiting;
    shown.waiting = null;
    for (const line of waiting) take(shown, line);
  };

  /** A new stream: the sources and each whole log are read again (an old server has no /log-sources: the old two). */
  const reset = async () => {
    for (const shown of views.values()) shown.waiting ??= [];
    const sources = (await readJson(`${api}/log-sources`)) || [];
    for (const source of sources) {
      const old = OLD.find((candidate) => candidate.id === source.id);
      if (!old) viewOf(source.id, source.display_name || source.id);
    }
    await Promise.all([...views.values()].map(reread));
    drawPicker();
    scroll();
  };

  search.addEventListener('input', () => {
    for (const item of document.querySelectorAll('.log li[data-text]')) item.hidden = !matches(item);
  });
  follow.addEventListener('change', scroll);
  picker.addEventListener('change', () => {
    show();
    scroll();
  });
  drawPicker();

  return {
    reset,
    /** A log event of the stream: { at, source, source_id, output, level }. */
    add(line) {
      const shown = line.source_id ? viewOf(line.source_id, line.source) : views.get(line.source);
      if (!shown) return;
      if (shown.waiting) shown.waiting.push(line);
      else {
        take(shown, line);
        if (shown.option) shown.option.textContent = label(shown);
        else drawPicker();
        scroll();
      }
    },
    /** Marks that the logs reached their size limit. */
    overflowed(yes) {
      document.getElementById('log-startup-overflow').hidden = !yes;
    },
  };
}
