// The mailbox of a process another program holds: appends are all or nothing,
// and no damaged line stops delivery or makes a program spin.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AoMessage } from '../../src/engine/types.js';
import { StoreWriteError } from '../../src/local/fsync.js';
import { appendToMailbox, mailboxPath, mailboxSize, readMailbox } from '../../src/local/mailbox.js';
import { LocalNetwork, type Delivery } from '../../src/local/network.js';
import { evalIn, removeTempDirs, tempDataDir } from '../helpers/local.js';
import { failWritesAfter, fillDisk, tinyDisk } from './disk.js';
import { tempDir } from './helpers.js';

const dirs: string[] = [];
function newDir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
afterAll(() => removeTempDirs());

const message = (id: string, data = 'hi'): AoMessage => ({
  Id: id,
  From: 'f'.repeat(43),
  Owner: 'f'.repeat(43),
  Target: 't'.repeat(43),
  Tags: [{ name: 'Action', value: 'Hello' }],
  Data: data,
  Timestamp: 1,
  'Block-Height': 0,
  Cron: false,
});

describe('mailbox', () => {
  it('reads back what was appended, each with the offset just past it', () => {
    const dir = newDir();
    appendToMailbox(dir, { msg: message('a') });
    appendToMailbox(dir, { msg: message('b'), origin: { process: 'p', seq: 3, index: 0 } });
    const items = readMailbox(dir, 0);
    expect(items.map((i) => i.msg.Id)).toEqual(['a', 'b']);
    expect(items[1]!.origin).toEqual({ process: 'p', seq: 3, index: 0 });
    expect(items[1]!.end).toBe(fs.statSync(mailboxPath(dir)).size);
    expect(readMailbox(dir, items[0]!.end).map((i) => i.msg.Id)).toEqual(['b']);
    expect(mailboxSize(dir)).toBe(items[1]!.end);
  });

  it('sets damaged lines aside with a notice naming file and line, and delivers the rest', () => {
    const dir = newDir();
    appendToMailbox(dir, { msg: message('a') });
    const file = mailboxPath(dir);
    const bad = ['{"msg":null}', 'garbage {{', '{"msg":{"Id":"x","From":"y","Tags":"no"}}', '[1,2]'];
    fs.appendFileSync(file, bad.map((l) => `${l}\n`).join(''));
    appendToMailbox(dir, { msg: message('b') });
    const before = fs.statSync(file).size;
    const notices: string[] = [];
    const items = readMailbox(dir, 0, (n) => notices.push(n));
    expect(items.map((i) => i.msg.Id)).toEqual(['a', 'b']);
    expect(notices).toHaveLength(4);
    notices.forEach((n, k) => {
      expect(n.split('\n')).toHaveLength(1);
      expect(n).toContain(`${file} line ${k + 2}:`);
    });
    expect(notices[0]).toMatch(/"msg" is not a message object/);
    // Kept aside byte for byte; blanked in place, so offsets did not move.
    const asides = fs.readdirSync(dir).filter((n) => n.includes('.bad-')).sort((x, y) => Number(x.split('-').pop()) - Number(y.split('-').pop()));
    expect(asides.map((n) => fs.readFileSync(path.join(dir, n), 'utf8'))).toEqual(bad);
    expect(fs.statSync(file).size).toBe(before);
    // Read again: the same messages, no more notices.
    const again = readMailbox(dir, 0, (n) => notices.push(n));
    expect(again.map((i) => [i.msg.Id, i.end])).toEqual(items.map((i) => [i.msg.Id, i.end]));
    expect(notices).toHaveLength(4);
  });

  it('counts only whole message lines as waiting mail (a half line or blanked lines do not keep a reader busy)', () => {
    const dir = newDir();
    appendToMailbox(dir, { msg: message('a') });
    const end = mailboxSize(dir);
    const file = mailboxPath(dir);
    fs.appendFileSync(file, '{"msg":null}\n');
    fs.appendFileSync(file, '{"msg":{"Id":"half');
    expect(mailboxSize(dir)).toBeGreaterThan(end); // the bad line is waiting to be looked at
    const notices: string[] = [];
    expect(readMailbox(dir, end, (n) => notices.push(n))).toEqual([]);
    expect(notices).toHaveLength(1);
    expect(mailboxSize(dir)).toBe(end); // blanked: nothing waits any more
  });

  it('a long damaged line (more than one read chunk) is blanked and no longer counts as mail', () => {
    const dir = newDir();
    appendToMailbox(dir, { msg: message('a') });
    const end = mailboxSize(dir);
    fs.appendFileSync(mailboxPath(dir), `{"msg": "${'z'.repeat(200_000)}"}\n`);
    expect(mailboxSize(dir)).toBe(fs.statSync(mailboxPath(dir)).size);
    const notices: string[] = [];
    expect(readMailbox(dir, end, (n) => notices.push(n))).toEqual([]);
    expect(notices).toHaveLength(1);
    expect(mailboxSize(dir)).toBe(end);
    appendToMailbox(dir, { msg: message('b') });
    expect(readMailbox(dir, end).map((i) => i.msg.Id)).toEqual(['b']);
    expect(mailboxSize(dir)).toBe(fs.statSync(mailboxPath(dir)).size);
  });

  it('a sender moves a half line left by a dead sender aside before appending', () => {
    const dir = newDir();
    appendToMailbox(dir, { msg: message('a') });
    const file = mailboxPath(dir);
    const whole = fs.statSync(file).size;
    fs.appendFileSync(file, '{"msg":{"Id":"cut sho');
    const notices: string[] = [];
    appendToMailbox(dir, { msg: message('b') }, (n) => notices.push(n));
    expect(readMailbox(dir, 0).map((i) => i.msg.Id)).toEqual(['a', 'b']);
    expect(fs.readFileSync(`${file}.partial-${whole}`, 'utf8')).toBe('{"msg":{"Id":"cut sho');
    expect(notices[0]).toContain(`${file}.partial-${whole}`);
  });

  for (const code of ['ENOSPC', 'EIO']) {
    it(`${code} part-way through an append: an error saying the message was not sent, and no partial line`, () => {
      const dir = newDir();
      appendToMailbox(dir, { msg: message('a') });
      const file = mailboxPath(dir);
      const size = fs.statSync(file).size;
      const restore = failWritesAfter(30, code);
      let err: unknown;
      try {
        appendToMailbox(dir, { msg: message('b', 'x'.repeat(500)) });
      } catch (e) {
        err = e;
      } finally {
        restore();
      }
      expect(err).toBeInstanceOf(StoreWriteError);
      expect((err as Error).message).toContain(file);
      expect((err as Error).message).toMatch(/the message was not sent\.$/);
      expect(fs.statSync(file).size).toBe(size);
      appendToMailbox(dir, { msg: message('c') });
      expect(readMailbox(dir, 0).map((i) => i.msg.Id)).toEqual(['a', 'c']);
    });
  }

  const disk = tinyDisk(128);
  it.skipIf(!disk)('on a real full disk (tmpfs): the append fails whole, and works once space is freed', () => {
    try {
      const dir = path.join(disk!.dir, 'proc');
      fs.mkdirSync(dir);
      appendToMailbox(dir, { msg: message('a') });
      const size = fs.statSync(mailboxPath(dir)).size;
      const filler = fillDisk(disk!.dir, 8192); // room for the short lock, not for the message
      expect(() => appendToMailbox(dir, { msg: message('b', 'y'.repeat(64 * 1024)) })).toThrow(/^the disk is full: could not write .*incoming\.jsonl\. .*the message was not sent\.$/);
      expect(fs.statSync(mailboxPath(dir)).size).toBe(size);
      fs.rmSync(filler);
      appendToMailbox(dir, { msg: message('c') });
      expect(readMailbox(dir, 0).map((i) => i.msg.Id)).toEqual(['a', 'c']);
    } finally {
      disk!.unmount();
    }
  });
});

describe('mailbox of an open process', () => {
  it('damaged lines are named, the rest delivered, and closing ends (no spin)', async () => {
    const dataDir = tempDataDir();
    const notices: string[] = [];
    const seen: Delivery[] = [];
    // A holder reads its mail (timers on), as a shell does.
    const holder = new LocalNetwork(dataDir, { background: true, onNotice: (n) => notices.push(n), onDelivery: (d) => seen.push(d) });
    const { process: p } = await holder.openOrSpawn('held');
    await evalIn(holder, p, 'Handlers.add("h", "Hello", function(m) Got = (Got or "") .. m.Data end)');
    const file = mailboxPath(p.dir);
    fs.appendFileSync(file, '{"msg":null}\n');
    appendToMailbox(p.dir, { msg: { ...message('m1', 'one'), Target: p.id } });
    fs.appendFileSync(file, 'not json at all\n');
    fs.appendFileSync(file, '{"msg":{"Id":"half a li');
    for (let i = 0; i < 60 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await holder.idle();
    expect(await p.inspect('return Got')).toBe('one');
    expect(notices.filter((n) => n.includes(file))).toEqual([
      expect.stringMatching(new RegExp(`^${file} line 1: "msg" is not a message object; it was moved to `)),
      expect.stringMatching(new RegExp(`^${file} line 3: not JSON`)),
    ]);
    // Used to loop forever: the half line and the blanked lines are not mail.
    await holder.close();
  }, 30_000);

  it('a send to a process held elsewhere that cannot be written fails, and says so', async () => {
    const dataDir = tempDataDir();
    const holder = new LocalNetwork(dataDir);
    const { process: b } = await holder.openOrSpawn('held');
    const other = new LocalNetwork(dataDir);
    const size = mailboxSize(b.dir);
    const restore = failWritesAfter(10);
    let err: unknown;
    try {
      await other.sendAndSettle(b.id, other.userMessage(b.id, [{ name: 'Action', value: 'Hello' }], 'lost?'), { handOff: true });
    } catch (e) {
      err = e;
    } finally {
      restore();
    }
    expect(err).toBeInstanceOf(StoreWriteError);
    expect((err as Error).message).toMatch(/^the disk is full: could not write .*incoming\.jsonl\. .*the message was not sent\.$/);
    expect(fs.existsSync(mailboxPath(b.dir)) ? fs.statSync(mailboxPath(b.dir)).size : 0).toBe(size);
    const ok = await other.sendAndSettle(b.id, other.userMessage(b.id, [{ name: 'Action', value: 'Hello' }], 'arrives'), { handOff: true });
    expect(ok.handedOff).toHaveLength(1);
    await other.close();
    await holder.close();
  }, 30_000);

  it('a line delivered twice (the same origin) is consumed, and closing ends', async () => {
    const dataDir = tempDataDir();
    const holder = new LocalNetwork(dataDir, { background: true });
    const { process: b } = await holder.openOrSpawn('held');
    await evalIn(holder, b, 'Handlers.add("h", "Hello", function(m) Got = (Got or 0) + 1 end)');
    const entry = { msg: { ...message('dup', 'x'), Target: b.id }, origin: { process: 'p'.repeat(43), seq: 1, index: 0 } };
    appendToMailbox(b.dir, entry);
    appendToMailbox(b.dir, entry);
    for (let i = 0; i < 60 && b.mailboxOffset < mailboxSize(b.dir); i++) await new Promise((r) => setTimeout(r, 50));
    await holder.idle();
    expect(await b.inspect('return Got')).toBe(1);
    expect(b.mailboxOffset).toBe(mailboxSize(b.dir));
    await holder.close(); // used to wait forever for the duplicate to be "handled"
  }, 30_000);
});
