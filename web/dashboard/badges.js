// Small labelled states: a connection, a lifecycle state, an app's health. The class picks the colour; the word is
// always there too, so nothing depends on colour alone.
import { el } from './dom.js';

const TONES = {
  connected: 'good',
  ready: 'good',
  healthy: 'good',
  connecting: 'busy',
  created: 'quiet',
  starting: 'busy',
  initializing: 'busy',
  shutting_down: 'busy',
  off: 'quiet',
  disabled: 'quiet',
  disconnected: 'bad',
  unhealthy: 'bad',
  start_timeout: 'bad',
  start_error: 'bad',
  shutdown_timeout: 'bad',
  shutdown_error: 'bad',
  ok: 'good',
  warning: 'bad',
};

/** A badge for a state word ("ready", "connected", "unhealthy", …). */
export const badge = (state, attributes = {}) =>
  el('span', { ...attributes, class: `badge tone-${TONES[state] || 'quiet'}`, 'data-state': state }, String(state).replaceAll('_', ' '));

/** Healthy and unhealthy counts of an agent's apps. */
export function appCounts(apps) {
  let healthy = 0;
  let unhealthy = 0;
  for (const app of apps || []) {
    if (app.health === 'healthy') healthy++;
    else if (app.health === 'unhealthy') unhealthy++;
  }
  return { healthy, unhealthy };
}
