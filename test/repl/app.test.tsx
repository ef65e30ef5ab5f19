// The Ink component: what the screen shows as keys arrive, with a real local process.
import React from 'react';
import { render } from 'ink-testing-library';
import { afterEach, expect, it } from 'vitest';
import { App } from '../../src/repl/App.js';
import { ReplSession } from '../../src/repl/session.js';
import { LocalConnection } from '../../src/local/local-connection.js';
import { network, removeTempDirs } from '../helpers/local.js';
import type { LocalNetwork } from '../../src/local/network.js';

const nets: LocalNetwork[] = [];
afterEach(async () => {
  while (nets.length) await nets.pop()!.close();
  removeTempDirs();
});

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function mounted() {
  const net = network();
  nets.push(net);
  const { process: p } = await net.openOrSpawn('screen');
  const session = new ReplSession(new LocalConnection(net, p));
  await session.start('welcome banner');
  const ui = render(<App session={session} color={false} />);
  // The shell listens to stdin's 'data' events from an effect: wait until it does.
  await until(() => ui.stdin.listenerCount('data') > 0, 'the shell to listen to stdin');
  return { net, p, session, ui };
}

it('shows the banner, the prompt, what is typed, and the result', async () => {
  const { ui } = await mounted();
  expect(ui.lastFrame()).toContain('welcome banner');
  expect(ui.lastFrame()).toContain('screen@aos-2.0.4[Inbox:1]>');
  ui.stdin.write('6 * 7');
  await until(() => ui.lastFrame()!.includes('6 * 7'), 'typed text');
  ui.stdin.write('\r');
  await until(() => /\n42\n/.test(ui.frames.join('\n')), 'the result');
  ui.unmount();
});

it('prints a live message above the input line and keeps the half-typed line', async () => {
  const { ui, net, p } = await mounted();
  ui.stdin.write('local draft');
  await until(() => ui.lastFrame()!.includes('local draft'), 'typed text');
  const { process: other } = await net.openOrSpawn('other');
  await net.sendAndSettle(other.id, net.userMessage(other.id, [{ name: 'Action', value: 'Eval' }], `Send({ Target = "${p.id}", Action = "Knock" })`));
  await until(() => ui.frames.join('\n').includes('Action = Knock'), 'the live message');
  const frame = ui.lastFrame()!;
  expect(frame.indexOf('Action = Knock')).toBeLessThan(frame.lastIndexOf('local draft'));
  expect(frame.split('\n').at(-1)).toContain('local draft');
  ui.unmount();
});

it('recalls history with Up and runs a multi-line paste as one Eval', async () => {
  const { ui, p } = await mounted();
  ui.stdin.write('X = 5\r');
  await until(() => p.lastSeq === 2, 'first eval');
  ui.stdin.write('\u001b[A');
  await until(() => ui.lastFrame()!.split('\n').at(-1)!.includes('X = 5'), 'history recall');
  ui.stdin.write('\u0015');
  ui.stdin.write('\u001b[200~local y = X\nreturn y * 2\u001b[201~');
  ui.stdin.write('\r');
  await until(() => ui.frames.join('\n').includes('\n10\n'), 'paste result');
  expect(p.lastSeq).toBe(3);
  ui.unmount();
});
