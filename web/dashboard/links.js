// Where an app or a port opens: through the control plane's port proxy, on an origin of its own
// (http://{port}--{agent}.localhost:{dashboard port}/{path}), never on the dashboard's.

/** The proxy URL of a port of an agent, with a path (and query) on it. */
export function portLink(agent, port, path = '/') {
  const dashboardPort = location.port || (location.protocol === 'https:' ? '443' : '80');
  return `${location.protocol}//${port}--${agent}.localhost:${dashboardPort}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * The link of an app: its url through the proxy when it points at a loopback port of the workspace
 * (http://127.0.0.1:PORT/... or http://localhost:PORT/...), else the url as it is (or nothing when it has none).
 */
export function appLink(agent, url) {
  if (!url) return null;
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol === 'http:' && (parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost') && parsed.port) {
    return portLink(agent, parsed.port, parsed.pathname + parsed.search);
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
}
