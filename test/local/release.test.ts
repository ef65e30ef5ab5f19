// A process opened only to deliver a message to it is let go once quiet, so
// the program that delivered (a shell) does not keep it locked until it exits;
// processes a caller asked for stay open.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { LocalNetwork } from '../../src/local/network.js';
import { evalIn, outputData, removeTempDirs, tempDataDir } from '../helpers/local.js';
import { waitFor } from '../helpers/wait.js';

const networks: LocalNetwork[] = [];
afterEach(async () => {
  for (const n of networks.splice(0)) await n.close();
  removeTempDirs();
});

function open(dataDir: string): LocalNetwork {
  const net = new LocalNetwork(dataDir);
  networks.push(net);
  return net;
}

it('lets go of a process it opened only to deliver to, keeps the one asked for, and reopens the other for the next delivery', async () => {
  const dataDir = tempDataDir();
  // bob exists, closed (made by an earlier program)
  const setup = open(dataDir);
  const { process: made } = await setup.openOrSpawn('bob');
  await evalIn(setup, made, 'Got = 0 Handlers.add("hello", "Hello", function(m) Got = Got + 1 end)');
  const bob = made.id;
  await setup.close();
  networks.splice(networks.indexOf(setup), 1);

  // A shell on alice (started: it keeps its processes current) sends to bob.
  const shell = open(dataDir);
  shell.start();
  const { process: alice } = await shell.openOrSpawn('alice');
  expect((await evalIn(shell, alice, `Send({ Target = "${bob}", Action = "Hello" })`)).Error).toBeUndefined();
  const bobLock = join(shell.dirOf(bob), 'aos.lock');
  expect(existsSync(bobLock), 'bob is open for the delivery').toBe(true);

  await waitFor(() => !existsSync(bobLock), 'the shell to let go of bob');
  expect(existsSync(join(alice.dir, 'aos.lock')), 'alice, which the shell asked for, stays open').toBe(true);

  // Another program can now open bob, and sees the delivered message.
  const other = open(dataDir);
  const bobThere = await other.get(bob);
  expect(await bobThere.inspect('return Got')).toBe(1);
  // While it has bob, the shell's next message is handed to it, not lost.
  const second = await evalIn(shell, alice, `Send({ Target = "${bob}", Action = "Hello" }) return "sent"`);
  expect(outputData(second)).toBe('sent');
  await other.close();
  networks.splice(networks.indexOf(other), 1);

  // Once the other program closed, the next delivery opens bob here again; nothing was lost.
  await evalIn(shell, alice, `Send({ Target = "${bob}", Action = "Hello" })`);
  await shell.idle();
  const again = await shell.get(bob);
  await waitFor(async () => (await again.inspect('return Got')) === 3, 'the third Hello in bob');
});
