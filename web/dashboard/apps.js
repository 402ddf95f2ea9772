// Apps (with their health and an "open" link through the port proxy), listening ports (each with an "open" link)
// and the SSH host keys with their fingerprints.
import { el, fill } from './dom.js';
import { badge } from './badges.js';
import { appLink, portLink } from './links.js';

export function drawApps(list, agent, apps) {
  if (!apps || apps.length === 0) {
    fill(list, el('li', { class: 'muted' }, 'No apps.'));
    return;
  }
  fill(list, apps.map((app) => {
    const href = appLink(agent, app.url);
    return el('li', { 'data-app': app.slug },
      el('span', { class: 'name' }, app.display_name || app.slug),
      badge(app.health || 'disabled'),
      href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer', class: 'button' }, 'Open') : el('span', { class: 'muted' }, app.command ? 'command' : 'no URL'));
  }));
}

export function drawPorts(list, agent, ports) {
  if (ports === null) {
    fill(list, el('li', { class: 'muted' }, 'Unknown while the agent is unreachable.'));
    return;
  }
  if (ports.length === 0) {
    fill(list, el('li', { class: 'muted' }, 'No listening ports.'));
    return;
  }
  fill(list, ports.map((port) => el('li', { 'data-port': port.port },
    el('span', { class: 'name' }, String(port.port), ' ', el('span', { class: 'muted' }, port.process_name || port.network || '')),
    el('a', { href: portLink(agent, port.port), target: '_blank', rel: 'noopener noreferrer', class: 'button' }, 'Open'))));
}

export function drawHostKeys(list, keys, fingerprints) {
  if (!keys || keys.length === 0) {
    fill(list, el('li', { class: 'muted' }, 'This agent serves no SSH.'));
    return;
  }
  fill(list, keys.map((key, index) => el('li', { 'data-key-type': key.split(' ')[0] },
    el('strong', {}, key.split(' ')[0]),
    el('code', { 'data-field': 'fingerprint' }, (fingerprints && fingerprints[index]) || 'fingerprint not reported'),
    el('code', { class: 'key' }, key))));
}
