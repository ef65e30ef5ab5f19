// Reading and sending to a process another program holds (a shell has it
// open): reads need no lock, a handed-over message's result is waited for.
import { afterEach, describe, expect, it } from 'vitest';
import { holdProcess } from './fixtures/hold.js';
import { LocalNetwork } from '../../src/local/network.js';
import { readInbox } from '../../src/local/inbox.js';
import { evalIn, outputData, removeTempDirs, tempDataDir } from '../helpers/local.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  removeTempDirs();
});

const BALANCE = `Handlers.add("bal", "Balance", function(m) m.reply({ Action = "Balance-Notice", Data = "42 for " .. m.From }) end)`;

describe('a process another program holds', () => {
  it('can be read (Inbox, state) without its lock, and reads what the holder handled since', async () => {
    const dataDir = tempDataDir();
    const holder = new LocalNetwork(dataDir);
    const { process: held } = await holder.openOrSpawn('held-read');
    await evalIn(holder, held, 'Counter = 1');
    await holder.sendAndSettle(held.id, holder.userMessage(held.id, [{ name: 'Action', value: 'Note' }], 'first'));
    const other = new LocalNetwork(dataDir);
    try {
      await expect(other.get(held.id)).rejects.toThrow(/open|lock/i);
      const r1 = await other.readOnly(held.id);
      expect(r1.readOnly).toBe(true);
      expect(await r1.inspect('return Counter')).toBe(1);
      const inbox = await readInbox((lua) => r1.inspect(lua), 10);
      expect(inbox.entries.map((e) => `${e.action}:${e.data}`)).toContain('Note:first');
      // Reading changes nothing, and a read-only process refuses to handle messages.
      await expect(r1.evaluate(other.userMessage(held.id, [{ name: 'Action', value: 'Eval' }], 'Counter = 99'))).rejects.toThrow(/read-only/);
      await evalIn(holder, held, 'Counter = Counter + 1');
      expect(await (await other.readOnly(held.id)).inspect('return Counter')).toBe(2);
      expect(await held.inspect('return Counter')).toBe(2);
    } finally {
      await other.close();
      await holder.close();
    }
  });

  it("a message handed to the holder: the sender waits for the holder's result in the log", async () => {
    const dataDir = tempDataDir();
    const holder = new LocalNetwork(dataDir);
    holder.start(); // reads mail from other programs, as a shell does
    const { process: held } = await holder.openOrSpawn('held-send');
    await evalIn(holder, held, BALANCE);
    const other = new LocalNetwork(dataDir);
    try {
      const msg = other.userMessage(held.id, [{ name: 'Action', value: 'Balance' }]);
      const handed = await other.sendAndSettle(held.id, msg, { handOff: true });
      expect(handed.status).toBe('handed-off');
      const h = handed.handedOff[0]!;
      expect(h.afterSeq).toBe(held.lastSeq);
      const settled = await other.waitForResult(held.id, String(msg.Id), { timeoutMs: 20_000, afterSeq: h.afterSeq });
      expect(settled.status).toBe('handled');
      expect(settled.seq).toBeGreaterThan(h.afterSeq);
      expect(held.history.resultOf({ id: String(msg.Id) })?.seq).toBe(settled.seq);
      // The reply goes to you, which is not a process: it is pending, with its Data.
      expect(settled.pending.map((p) => p.message.Data)).toEqual([`42 for ${other.identity.address}`]);
    } finally {
      await other.close();
      await holder.close();
    }
  });

  it('says clearly when the holder does not answer in time', async () => {
    const dataDir = tempDataDir();
    const holder = new LocalNetwork(dataDir); // not started: it never reads its mail while open
    const { process: held } = await holder.openOrSpawn('held-deaf');
    const other = new LocalNetwork(dataDir);
    try {
      const msg = other.userMessage(held.id, [{ name: 'Action', value: 'Eval' }], 'return 1');
      const handed = await other.sendAndSettle(held.id, msg, { handOff: true });
      await expect(
        other.waitForResult(held.id, String(msg.Id), { timeoutMs: 300, afterSeq: handed.handedOff[0]!.afterSeq }),
      ).rejects.toThrow(/"held-deaf" is open in another aos-ts, which did not handle your message .* within 0 s/);
    } finally {
      await other.close();
      await holder.close();
    }
    // Closing the holder handled its mail: the message is in the log now.
    const again = new LocalNetwork(dataDir);
    const proc = await again.readOnly(held.id);
    expect(proc.history.lastSeq).toBeGreaterThan(1);
    await again.close();
  });

  it('works against a real second program holding the lock', async () => {
    const dataDir = tempDataDir();
    const holder = await holdProcess(dataDir, 'held-child', BALANCE);
    stops.push(holder.stop);
    const net = new LocalNetwork(dataDir);
    try {
      const id = net.resolve('held-child')!;
      await expect(net.get(id)).rejects.toThrow(/open|lock/i);
      const msg = net.userMessage(id, [{ name: 'Action', value: 'Balance' }]);
      const handed = await net.sendAndSettle(id, msg, { handOff: true });
      expect(handed.status).toBe('handed-off');
      const settled = await net.waitForResult(id, String(msg.Id), { timeoutMs: 20_000, afterSeq: handed.handedOff[0]!.afterSeq });
      expect(settled.pending[0]?.message.Data).toBe(`42 for ${net.identity.address}`);
      const r = await net.readOnly(id);
      expect(outputData((await r.dryrun(net.userMessage(id, [{ name: 'Action', value: 'Eval' }], 'return #Inbox'))) ?? {})).toBe('1');
    } finally {
      await net.close();
    }
  });

  it('a holder that dies before reading its mail: the sender opens the process and handles the message itself', async () => {
    const dataDir = tempDataDir();
    const holder = await holdProcess(dataDir, 'held-dies', BALANCE);
    stops.push(holder.stop);
    holder.child.kill('SIGSTOP'); // it cannot read its mailbox now
    const net = new LocalNetwork(dataDir);
    try {
      const id = net.resolve('held-dies')!;
      const msg = net.userMessage(id, [{ name: 'Action', value: 'Balance' }]);
      const handed = await net.sendAndSettle(id, msg, { handOff: true });
      expect(handed.status).toBe('handed-off');
      holder.child.kill('SIGKILL');
      const settled = await net.waitForResult(id, String(msg.Id), { timeoutMs: 20_000, afterSeq: handed.handedOff[0]!.afterSeq });
      expect(settled.pending[0]?.message.Data).toBe(`42 for ${net.identity.address}`);
      // Handled once: the mailbox entry is not handled again on the next open.
      const proc = await net.get(id);
      expect([...proc.records()].filter((r) => r.kind === 'message' && r.msg.Id === msg.Id)).toHaveLength(1);
    } finally {
      await net.close();
    }
  });
});
