// The metadata table: each item's value, its age (since the server received it), and whether it is stale (older
// than its interval plus twice its timeout, at least 5 s, as Coder's dashboard marks it) or an error.
import { el, fill } from './dom.js';
import { serverNow } from './format.js';
import { relative } from './chrome.js';

export function createMetadata(container) {
  const items = new Map(); // key -> { name, interval, timeout, result, receivedAt, row }
  const body = el('tbody');
  fill(container, el('table', { class: 'metadata' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Item'), el('th', { scope: 'col' }, 'Value'), el('th', { scope: 'col' }, 'Age'))),
    body));

  const staleAfter = (item) => Math.max((item.interval || 0) + 2 * (item.timeout || 0), 5) * 1000;
  const isStale = (item) => item.receivedAt !== null && serverNow() - item.receivedAt > staleAfter(item);

  const draw = (key) => {
    const item = items.get(key);
    const result = item.result;
    const error = result && result.error;
    const value = result === null
      ? el('span', { class: 'muted' }, 'not collected yet')
      : error ? el('span', { class: 'warn', 'data-field': 'error' }, `Error: ${error}`) : el('code', { 'data-field': 'value' }, result.value.trim());
    const row = el('tr', { 'data-key': key },
      el('td', {}, item.name || key),
      el('td', {}, value),
      el('td', {}, item.receivedAt === null ? '—' : relative(new Date(item.receivedAt).toISOString(), 'ago'), el('span', { class: 'warn stale-mark', hidden: true }, ' stale')));
    if (item.row) item.row.replaceWith(row);
    else body.append(row);
    item.row = row;
    mark(item);
  };

  const mark = (item) => {
    const stale = isStale(item);
    item.row.classList.toggle('is-stale-value', stale);
    item.row.querySelector('.stale-mark').hidden = !stale;
  };

  const entry = (key) => {
    if (!items.has(key)) items.set(key, { name: key, interval: 0, timeout: 0, result: null, receivedAt: null, row: null });
    return items.get(key);
  };

  return {
    /** The items from GET …/metadata: names, intervals and what was collected (its age in seconds). */
    describe(entries) {
      for (const described of entries) {
        const item = entry(described.key);
        item.name = described.display_name || described.key;
        item.interval = described.interval || 0;
        item.timeout = described.timeout || 0;
        if (described.result && item.result === null) {
          item.result = described.result;
          item.receivedAt = serverNow() - described.result.age * 1000;
        }
        draw(described.key);
      }
      // In the manifest's order, whatever order the stream's snapshot came in.
      for (const described of entries) body.append(items.get(described.key).row);
    },
    /** A metadata event: { at, key, display_name, result }. */
    collected(event) {
      const item = entry(event.key);
      if (event.display_name) item.name = event.display_name;
      item.result = event.result;
      item.receivedAt = Date.parse(event.at);
      draw(event.key);
    },
    /** Re-marks stale values as time passes. */
    tick() {
      for (const item of items.values()) if (item.row) mark(item);
    },
  };
}
