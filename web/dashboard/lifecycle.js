// The lifecycle timeline: each state with its time and the time since the one before, and how long starting took
// until ready (the last start).
import { el, fill } from './dom.js';
import { badge } from './badges.js';
import { clock, duration } from './format.js';

export function createLifecycle(list, summaryLine) {
  let states = [];

  const draw = () => {
    if (states.length === 0) {
      fill(list, el('li', { class: 'muted' }, 'created (no state reported yet)'));
      summaryLine.textContent = '';
      return;
    }
    fill(list, states.map((change, index) => {
      const at = Date.parse(change.at);
      const gap = index === 0 ? null : at - Date.parse(states[index - 1].at);
      return el('li', { 'data-state': change.state },
        badge(change.state), ' ',
        el('time', { datetime: change.at }, clock(change.at)),
        gap === null ? null : el('span', { class: 'muted' }, ` (+${duration(gap)})`));
    }));
    const start = states.findLastIndex((change) => change.state === 'starting');
    const ready = start < 0 ? -1 : states.findIndex((change, index) => index > start && change.state === 'ready');
    summaryLine.textContent = ready < 0
      ? (start < 0 ? '' : 'starting → not ready yet')
      : `starting → ready in ${duration(Date.parse(states[ready].at) - Date.parse(states[start].at))}`;
    summaryLine.dataset.ready = String(ready >= 0);
  };

  return {
    reset() {
      states = [];
      draw();
    },
    /** A lifecycle event: { at, state }. */
    changed(event) {
      states.push(event);
      draw();
    },
    get current() {
      return states.length === 0 ? null : states[states.length - 1];
    },
  };
}
