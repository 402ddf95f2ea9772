// The watched resources (the manifest's resources_monitoring): memory and volumes with their use, threshold and state,
// from the summary and then each `resources` event; and the badge the list at / shows when any of them warns.
import { el, fill } from './dom.js';
import { badge } from './badges.js';
import { relative } from './chrome.js';

const percent = (value) => `${Number(value).toFixed(1)}%`;

export function createResources(container) {
  const draw = (resources) => {
    if (!resources || resources.length === 0) {
      fill(container, el('p', { class: 'muted' }, 'Nothing watched.'));
      return;
    }
    fill(container, el('table', { class: 'resources' },
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col' }, 'Resource'), el('th', { scope: 'col' }, 'Used'), el('th', { scope: 'col' }, 'Threshold'), el('th', { scope: 'col' }, 'State'))),
      el('tbody', {}, resources.map((resource) => el('tr', { 'data-resource': resource.resource },
        el('td', {}, resource.resource),
        el('td', { 'data-field': 'percent' }, percent(resource.percent)),
        el('td', {}, `${resource.threshold}%`),
        el('td', {}, badge(resource.state, { 'data-field': 'state' }),
          resource.state === 'warning' && resource.changed_at ? [' ', relative(resource.changed_at, 'since', { class: 'muted' })] : null))))));
  };
  draw(null);
  return {
    /** A `resources` event, or the summary's `resources` list wrapped as one. */
    reported(event) { draw(event.resources); },
  };
}

/** A "warning" badge for an agent whose summary has a resource in warning, else null. */
export function resourcesBadge(resources) {
  return (resources || []).some((resource) => resource.state === 'warning')
    ? badge('warning', { 'data-field': 'resources', title: 'A watched resource is over its threshold' })
    : null;
}
