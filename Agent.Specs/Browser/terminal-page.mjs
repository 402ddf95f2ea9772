// Opens the agent's /terminal page in headless Chromium, types a command and waits to see its output on
// screen. Usage: node terminal-page.mjs <page url> <command> <expected text> [screenshot.png]
// Exit 0 when the text appeared in the terminal, 1 otherwise (with what the screen showed).
import { chromium } from 'playwright-core';

const [url, command, expected, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let status = 1;
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
  page.on('console', (message) => console.error(`page: ${message.text()}`));
  await page.goto(url);
  await page.waitForFunction(() => window.agentTerminal && window.agentTerminal.socket.readyState === 1, null, { timeout: 20000 });
  await page.click('.xterm');
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  const screen = () => page.evaluate(() => {
    const buffer = window.agentTerminal.term.buffer.active;
    const lines = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  });
  const deadline = Date.now() + 20000;
  let text = '';
  while (Date.now() < deadline) {
    text = await screen();
    // The output line, not the echoed command line.
    if (text.split('\n').some((line) => line.trim() === expected)) { status = 0; break; }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (screenshot) await page.screenshot({ path: screenshot });
  if (status !== 0) console.error(`"${expected}" never appeared; the screen showed:\n${text}`);
} finally {
  await browser.close();
}
process.exit(status);
