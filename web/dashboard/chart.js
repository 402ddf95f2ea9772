// The stats chart: bytes received and sent per minute over the last hour, as two lines in a small SVG.
import { svg } from './dom.js';
import { bytes } from './format.js';

const WIDTH = 600;
const HEIGHT = 140;
const LEFT = 4;
const TOP = 16;
const BOTTOM = 18;

/** points: [{ at (ms, start of the minute), rx, tx }] for the hour ending at end (ms). */
export function chart(points, end) {
  const start = end - 60 * 60 * 1000;
  const shown = points.filter((point) => point.at >= start && point.at <= end);
  const peak = Math.max(1, ...shown.map((point) => Math.max(point.rx, point.tx)));
  const x = (at) => LEFT + ((at - start) / (end - start)) * (WIDTH - 2 * LEFT);
  const y = (value) => TOP + (1 - value / peak) * (HEIGHT - TOP - BOTTOM);
  const line = (field) => shown.map((point) => `${x(point.at).toFixed(1)},${y(point[field]).toFixed(1)}`).join(' ');
  return svg('svg', { class: 'chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `Bytes per minute over the last hour, at most ${bytes(peak)}` },
    svg('line', { class: 'axis', x1: LEFT, x2: WIDTH - LEFT, y1: HEIGHT - BOTTOM, y2: HEIGHT - BOTTOM }),
    svg('line', { class: 'axis', x1: LEFT, x2: WIDTH - LEFT, y1: TOP, y2: TOP }),
    svg('text', { x: LEFT, y: TOP - 4 }, `${bytes(peak)}/min`),
    svg('text', { x: LEFT, y: HEIGHT - 4 }, '60 min ago'),
    svg('text', { x: WIDTH - LEFT, y: HEIGHT - 4, 'text-anchor': 'end' }, 'now'),
    shown.length > 0 ? svg('polyline', { class: 'rx', points: line('rx') }) : null,
    shown.length > 0 ? svg('polyline', { class: 'tx', points: line('tx') }) : null);
}
