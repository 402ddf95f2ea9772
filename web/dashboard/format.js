// Numbers and times as the pages show them.

/** The server's clock minus this browser's, learned from a response's Date header (seconds are enough here). */
let skew = 0;

export function learnServerTime(response) {
  const date = Date.parse(response.headers.get('Date') || '');
  if (!Number.isNaN(date)) skew = date - Date.now();
}

/** Now on the server's clock, in milliseconds. */
export const serverNow = () => Date.now() + skew;

/** 4s, 3m 20s, 2h 5m, 3d 4h. */
export function duration(milliseconds) {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** A time of day in the browser's zone, with seconds. */
export const clock = (at) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** 1.2 KiB, 3.4 MiB. */
export function bytes(count) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Number(count) || 0;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Milliseconds with one decimal, or a dash when unknown (the agent reports -1). */
export const latency = (ms) => (typeof ms === 'number' && ms >= 0 ? `${ms.toFixed(1)} ms` : '—');
