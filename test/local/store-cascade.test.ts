// A disk that fills in the middle of a cascade: a clear error or notice,
// nothing acknowledged lost, and what was held back is delivered on reopen.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreWriteError } from '../../src/local/fsync.js';
import { evalIn, network, removeTempDirs, tempDataDir } from '../helpers/local.js';
import { failWritesTo } from './disk.js';

afterAll(() => removeTempDirs());
const linux = process.platform === 'linux' && fs.existsSync('/proc/self/fd');

describe.skipIf(!linux)('disk full during a cascade', () => {
  it('the sender’s own log: the send fails with the error, and the state is as before', async () => {
    const dataDir = tempDataDir();
    let net = network(dataDir);
    const { process: a } = await net.openOrSpawn('a');
    await evalIn(net, a, 'Count = 1');
    const restore = failWritesTo(`${a.dir}/log/`);
    let err: unknown;
    try {
      await evalIn(net, a, 'Count = Count + 1');
    } catch (e) {
      err = e;
    } finally {
      restore();
    }
    expect(err).toBeInstanceOf(StoreWriteError);
    expect((err as Error).message).toMatch(/^the disk is full: could not write .*\/log\/000000000001\.seg\. Free some space and try again; nothing acknowledged was lost\.$/);
    await expect(evalIn(net, a, 'Count = 5')).rejects.toThrow(/stopped after a write error.*\n.*open it again/s);
    await net.close(); // closing after the failure does not throw
    net = network(dataDir);
    const { process: again } = await net.openOrSpawn('a');
    expect(await again.inspect('return Count')).toBe(1);
    await net.close();
  }, 60_000);

  it('a target’s log: the sender’s result stands, the failure is a notice, and reopening delivers the message', async () => {
    const dataDir = tempDataDir();
    const notices: string[] = [];
    let net = network(dataDir, { onNotice: (n) => notices.push(n) });
    const { process: a } = await net.openOrSpawn('a');
    const { process: b } = await net.openOrSpawn('b');
    await evalIn(net, b, 'Handlers.add("h", "Hello", function(m) Got = (Got or 0) + 1 end)');
    const restore = failWritesTo(`${b.dir}/log/`);
    let result;
    try {
      result = await evalIn(net, a, `Send({ Target = "${b.id}", Action = "Hello" }); Sent = true`);
    } finally {
      restore();
    }
    expect(result.Error).toBeUndefined();
    expect(notices.find((n) => n.includes(`delivery to ${b.id} failed`))).toMatch(/the disk is full: could not write .*\/log\/000000000001\.seg/);
    await net.close();
    net = network(dataDir);
    const a2 = await net.get(a.id);
    await net.idle();
    const b2 = await net.get(b.id);
    await net.idle();
    expect(await a2.inspect('return Sent')).toBe(true);
    expect(await b2.inspect('return Got')).toBe(1);
    await net.close();
  }, 60_000);
});
