// Replays an asciicast v2 recording as text: the output events ("o") with their timing, into a <pre> (textContent
// only: nothing of the cast is ever parsed as HTML). The screen is interpreted only as far as text needs: "\n" starts
// a new line, "\r" returns to its start, backspace steps back; every escape sequence (CSI, OSC, others) is dropped.
// Play/pause, speed 1×/2×/4×, and the position in seconds.
import { el, fill } from './dom.js';

const MAX_LINES = 5000;
const TICK = 50;
const SPEEDS = [1, 2, 4];

/** The text screen the output is written to. */
export function createScreen() {
  let lines = [''];
  let column = 0;
  // Inside an escape sequence: 'esc' after ESC, 'csi' after ESC [, 'osc' after ESC ] (ends at BEL or ESC \).
  let escape = null;

  const put = (character) => {
    const row = lines.length - 1;
    const line = lines[row].padEnd(column, ' ');
    lines[row] = line.slice(0, column) + character + line.slice(column + 1);
    column++;
  };

  const write = (text) => {
    for (const character of text) {
      const code = character.codePointAt(0);
      if (escape === 'esc') escape = character === '[' ? 'csi' : character === ']' ? 'osc' : null;
      else if (escape === 'csi') {
        if (code >= 0x40 && code <= 0x7e) escape = null;
      } else if (escape === 'osc') {
        if (code === 0x07) escape = null;
        else if (code === 0x1b) escape = 'esc';
      } else if (code === 0x1b) escape = 'esc';
      else if (character === '\n') {
        lines.push('');
        column = 0;
        if (lines.length > MAX_LINES) lines = lines.slice(lines.length - MAX_LINES);
      } else if (character === '\r') column = 0;
      else if (code === 0x08) column = Math.max(0, column - 1);
      else if (character === '\t') column = (Math.floor(column / 8) + 1) * 8;
      else if (code >= 0x20 && code !== 0x7f) put(character);
    }
  };

  return {
    write,
    text: () => lines.join('\n'),
    reset() {
      lines = [''];
      column = 0;
      escape = null;
    },
  };
}

/** The output events of a cast: [{ at: seconds, text }], in time order; lines that do not parse are skipped. */
export function parseCast(cast) {
  const events = [];
  for (const line of cast.split('\n').slice(1)) {
    if (line.trim() === '') continue;
    try {
      const event = JSON.parse(line);
      if (Array.isArray(event) && event[1] === 'o' && typeof event[0] === 'number' && typeof event[2] === 'string') {
        events.push({ at: event[0], text: event[2] });
      }
    } catch {
      // Not an event: skipped.
    }
  }
  events.sort((a, b) => a.at - b.at);
  return events;
}

const seconds = (value) => `${value.toFixed(1)}s`;

/** A player in container: its controls, its readout and its screen. */
export function createPlayer(container) {
  const screen = createScreen();
  const output = el('pre', { class: 'player-screen', id: 'player-screen', 'aria-label': 'Recording', tabindex: '0' });
  const play = el('button', { type: 'button', class: 'button', id: 'player-play' }, 'Play');
  const speed = el('select', { id: 'player-speed', 'aria-label': 'Speed' }, SPEEDS.map((value) => el('option', { value }, `${value}×`)));
  const position = el('span', { id: 'player-position', class: 'muted', role: 'timer' });
  const title = el('p', { id: 'player-title', class: 'muted' });
  fill(container, title, el('div', { class: 'toolbar' }, play, el('label', {}, 'Speed ', speed), position), output);

  let events = [];
  let next = 0;
  let at = 0;
  let timer = null;
  let startedWall = 0;
  let startedAt = 0;
  const total = () => (events.length ? events[events.length - 1].at : 0);

  const show = () => {
    output.textContent = screen.text();
    output.scrollTop = output.scrollHeight;
    position.textContent = `${seconds(Math.min(at, total()))} / ${seconds(total())}`;
    play.textContent = timer ? 'Pause' : at >= total() && events.length ? 'Replay' : 'Play';
  };

  const stop = () => {
    clearInterval(timer);
    timer = null;
  };

  const tick = () => {
    at = startedAt + ((performance.now() - startedWall) / 1000) * Number(speed.value);
    while (next < events.length && events[next].at <= at) screen.write(events[next++].text);
    if (next >= events.length) {
      at = total();
      stop();
    }
    show();
  };

  const start = () => {
    if (next >= events.length) {
      screen.reset();
      next = 0;
      at = 0;
    }
    startedWall = performance.now();
    startedAt = at;
    timer = setInterval(tick, TICK);
    tick();
  };

  play.addEventListener('click', () => {
    if (timer) {
      tick();
      stop();
      show();
    } else start();
  });
  speed.addEventListener('change', () => {
    if (!timer) return;
    startedWall = performance.now();
    startedAt = at;
  });

  return {
    /** Loads a cast (its text) under a title and starts playing it. */
    load(name, cast) {
      stop();
      events = parseCast(cast);
      screen.reset();
      next = 0;
      at = 0;
      title.textContent = name;
      start();
    },
    /** Stops playing and says why there is nothing to play. */
    failed(name, reason) {
      stop();
      events = [];
      screen.reset();
      title.textContent = `${name}: ${reason}`;
      show();
    },
  };
}
