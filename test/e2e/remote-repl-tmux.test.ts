// The shell against a remote process: `aos-ts serve` on a loopback port, the
// built CLI in tmux with --mainnet <url> --wallet <fixture>.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNode, type RunningNode } from '../../src/node/server.js';
import { CLI } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir } from '../helpers/local.js';
import { hasTmux } from '../helpers/tmux.js';
import { testWalletFile } from '../helpers/wallet.js';

let node: RunningNode;
let walletFile: string;
const socket = `aos-ts-remote-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

beforeAll(async () => {
  node = await startNode({ dataDir: tempDataDir(), port: 0 });
  walletFile = await testWalletFile(tempDataDir());
});

afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    // gone
  }
  await node?.close();
  removeTempDirs();
});

async function waitFor(test: RegExp, ms = 20_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const s = tmux('capture-pane', '-p', '-t', 't');
    if (test.test(s)) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${test}; the screen was:\n${s}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!hasTmux)('the shell on a remote process', () => {
  it('opens with --mainnet <url> --wallet <file>, evaluates, and exits on Ctrl-D', async () => {
    const home = tempDataDir();
    const args = ['remote-app', '--mainnet', node.url, '--wallet', walletFile, '--yes'];
    const cmd = `node ${CLI} ${args.map((a) => `'${a}'`).join(' ')}; echo "EXITED $?"; sleep 60`;
    tmux('new-session', '-d', '-s', 't', '-x', '100', '-y', '30', '-e', `AOS_TS_HOME=${tempDataDir()}`, '-e', `HOME=${home}`, '-e', `XDG_CONFIG_HOME=${home}/.config`, '-e', 'NO_COLOR=', cmd);
    const start = await waitFor(/remote-app@aos-[\d.]+\[Inbox:\d+\]>/);
    expect(start).toMatch(/process remote-app/);
    // The header names the node; the process is the name and its id, once.
    expect(start).toContain(`AO mainnet through ${node.url}`);
    const header = start.split('\n').find((l) => l.includes('process remote-app'))!;
    expect(header).toMatch(/^aos-ts [\d.]+ · process remote-app [A-Za-z0-9_-]{43}$/);
    tmux('send-keys', '-t', 't', '-l', 'Answer = 6 * 7');
    tmux('send-keys', '-t', 't', 'Enter');
    await waitFor(/Answer = 6 \* 7\n[\s\S]*remote-app@aos/);
    tmux('send-keys', '-t', 't', '-l', 'return "the answer is " .. Answer');
    tmux('send-keys', '-t', 't', 'Enter');
    await waitFor(/the answer is 42/);
    const pid = node.context.network.list().find((m) => m.name === 'remote-app')?.id;
    expect(pid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    tmux('send-keys', '-t', 't', 'C-d');
    await waitFor(/EXITED 0/);
  });
});
