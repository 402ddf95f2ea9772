// The agent's web terminal: xterm.js on the reconnecting-PTY WebSocket of the same origin.
// Query: agent (default main), slot (default 1: another number is another terminal of the same agent), token (a user
// token of the workspace file; without it the dashboard's sign-in cookie is used).
(() => {
  'use strict';
  const params = new URLSearchParams(location.search);
  const agent = params.get('agent') || 'main';
  const token = params.get('token') || '';
  const slot = /^[1-9][0-9]{0,2}$/.test(params.get('slot') || '') ? params.get('slot') : '1';

  // One reconnect id per tab, agent and slot: a reload reattaches to the same shell and replays its output. Frames of
  // one tab share its session storage, so each slot keeps its own id (slot 1 keeps the key it always had).
  const key = 'agent-terminal:' + agent + (slot === '1' ? '' : ':' + slot);
  let id = sessionStorage.getItem(key);
  if (!id) {
    id = crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('');
    sessionStorage.setItem(key, id);
  }

  const term = new Terminal({ cursorBlink: true, scrollback: 5000 });
  const fit = new FitAddon.FitAddon();
  term.loadAddon(fit);
  term.open(document.getElementById('terminal'));
  fit.fit();
  document.title = agent + (slot === '1' ? '' : ' (' + slot + ')') + ' — terminal';

  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = new URLSearchParams({ reconnect: id, width: String(term.cols), height: String(term.rows) });
  if (token) query.set('coder_session_token', token);
  const socket = new WebSocket(`${scheme}//${location.host}/api/v2/workspaceagents/${encodeURIComponent(agent)}/pty?${query}`);
  socket.binaryType = 'arraybuffer';
  const send = request => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(request));
  };

  socket.onmessage = event => term.write(typeof event.data === 'string' ? event.data : new Uint8Array(event.data));
  socket.onopen = () => term.focus();
  socket.onclose = event => {
    const why = event.code === 1000 ? 'the terminal closed' : 'connection lost (check the agent name and ?token=)';
    term.write(`\r\n\x1b[2m[${why}; reload to reconnect]\x1b[0m\r\n`);
  };
  term.onData(data => send({ data }));
  term.onResize(({ cols, rows }) => send({ height: rows, width: cols }));
  window.addEventListener('resize', () => fit.fit());

  // For automated browser tests.
  window.agentTerminal = { term, socket, id, slot };
})();
