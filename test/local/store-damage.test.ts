// Damaged or missing store files: each is named with what to do, and none
// silently replaces a process, resurrects stale state, or drops acknowledged data.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MessageLog } from '../../src/local/message-log.js';
import { ProcessMetaError } from '../../src/local/process-meta.js';
import { StoreStateError } from '../../src/local/snapshot-store.js';
import { evalIn, network, outputData, removeTempDirs, tempDataDir } from '../helpers/local.js';

afterAll(() => removeTempDirs());

async function counter(dataDir: string, name: string, evals: number): Promise<{ id: string; dir: string }> {
  const net = network(dataDir);
  const { process: p } = await net.openOrSpawn(name);
  for (let i = 0; i < evals; i++) await evalIn(net, p, 'Mine = (Mine or 0) + 1');
  p.snapshotNow(); // a snapshot at the last seq (closing writes one only once replaying would cost more)
  await net.close();
  return { id: p.id, dir: p.dir };
}

async function mine(dataDir: string, name: string, notices: string[] = []): Promise<number> {
  const net = network(dataDir, { onNotice: (n) => notices.push(n) });
  try {
    const { process: p, created } = await net.openOrSpawn(name);
    expect(created).toBe(false);
    return Number(outputData(await evalIn(net, p, 'return Mine or 0')));
  } finally {
    await net.close();
  }
}

const seg1 = (dir: string) => path.join(dir, 'log', '000000000001.seg');

/** Byte offset just past record `seq` of the first segment. */
function endOfRecord(file: string, seq: number): number {
  const buf = fs.readFileSync(file);
  let p = 0;
  for (let i = 0; i < seq; i++) p += 8 + buf.readUInt32LE(p);
  return p;
}

describe('process.json', () => {
  const cases: [string, string | undefined, RegExp][] = [
    ['null', 'null', /process\.json holds null instead of a process description/],
    ['garbage', '{"id": "abc', /process\.json is not valid JSON/],
    ['{}', '{}', /process\.json has no "id"/],
    ['missing', undefined, /process\.json is missing/],
  ];
  for (const [label, content, problem] of cases) {
    it(`${label}: names the file and what to do, and never makes a new process of that name`, async () => {
      const dataDir = tempDataDir();
      const { id, dir } = await counter(dataDir, 'keeper', 2);
      const file = path.join(dir, 'process.json');
      if (content === undefined) fs.rmSync(file);
      else fs.writeFileSync(file, content);
      const notices: string[] = [];
      const net = network(dataDir, { onNotice: (n) => notices.push(n) });
      let err: unknown;
      try {
        await net.openOrSpawn('keeper');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ProcessMetaError);
      const message = (err as Error).message;
      expect(message).toMatch(problem);
      expect(message).toContain(file);
      expect(message).toContain(`process "keeper" (${id})`); // the name comes from its log
      expect(message).toMatch(/Restore that file from a backup, or move the folder .* aside/);
      expect(message.split('\n')).toHaveLength(1);
      // Listed as damaged, opened by id as damaged, and no second "keeper" folder appeared.
      expect(net.list().map((m) => m.name)).not.toContain('keeper');
      expect(notices.some((n) => n.includes(file))).toBe(true);
      await expect(net.openOrSpawn(id)).rejects.toThrow(ProcessMetaError);
      expect(fs.readdirSync(path.join(dataDir, 'processes'))).toEqual([id]);
      await net.close();
    }, 60_000);
  }
});

describe('log and snapshots that disagree', () => {
  it('a snapshot past the end of a cut log is refused (kept aside), and the log decides', async () => {
    const dataDir = tempDataDir();
    const { dir } = await counter(dataDir, 'cut', 22); // seq 1 boot, 2..23 evals, snapshot at 23
    const file = seg1(dir);
    fs.truncateSync(file, endOfRecord(file, 5)); // the log now ends after Mine = 4
    const notices: string[] = [];
    expect(await mine(dataDir, 'cut', notices)).toBe(4);
    const refused = notices.find((n) => n.includes('was not used'));
    expect(refused).toMatch(/000000000023\.snap was not used: it covers messages up to seq 23, but the log ends at seq 5/);
    expect(fs.readdirSync(path.join(dir, 'snapshots'))).toContain('000000000023.snap.unused');
  }, 60_000);

  it('a snapshot made from records the log no longer holds is refused even when the log grew past it again', async () => {
    const dataDir = tempDataDir();
    const { dir } = await counter(dataDir, 'regrown', 22); // snapshot at 23 with Mine = 22
    const file = seg1(dir);
    fs.truncateSync(file, endOfRecord(file, 5)); // Mine = 4
    // 22 more acknowledged increments written by something that did not look at the snapshots.
    const log = MessageLog.open(path.join(dir, 'log'));
    const inc = log.get(5)!;
    for (let i = 0; i < 22; i++) log.append({ ...inc, msg: { ...(inc.msg as object), Id: `regrown-${i}` } });
    log.close();
    const notices: string[] = [];
    expect(await mine(dataDir, 'regrown', notices)).toBe(26);
    expect(notices.join('\n')).toMatch(/000000000023\.snap was not used: it was made from a different record 23/);
  }, 60_000);

  it('an empty or deleted log beside a snapshot: an error naming both, nothing replaced', async () => {
    for (const how of ['empty', 'deleted'] as const) {
      const dataDir = tempDataDir();
      const { dir } = await counter(dataDir, 'gone', 3);
      if (how === 'empty') fs.truncateSync(seg1(dir), 0);
      else fs.rmSync(path.join(dir, 'log'), { recursive: true });
      const net = network(dataDir);
      const err = await net.openOrSpawn('gone').then(
        () => undefined,
        (e: unknown) => e,
      );
      await net.close();
      // A deleted log leaves the name only in the snapshot: the folder is then damaged or refused, never replaced.
      expect(err, how).toBeInstanceOf(Error);
      if (err instanceof StoreStateError) {
        expect((err as Error).message).toContain(path.join(dir, 'log'));
        expect((err as Error).message).toMatch(/000000000004\.snap holds this process's state up to message 4/);
      } else {
        expect(err).toBeInstanceOf(ProcessMetaError);
      }
      expect(fs.readdirSync(path.join(dataDir, 'processes'))).toHaveLength(1);
      expect(fs.existsSync(path.join(dir, 'snapshots', '000000000004.snap'))).toBe(true);
    }
  }, 60_000);

  it('a process whose creation was cut short (no boot record, no snapshot) boots when opened', async () => {
    const dataDir = tempDataDir();
    const { dir } = await counter(dataDir, 'half', 0);
    fs.truncateSync(seg1(dir), 0);
    fs.rmSync(path.join(dir, 'snapshots'), { recursive: true, force: true });
    const notices: string[] = [];
    expect(await mine(dataDir, 'half', notices)).toBe(0);
    expect(notices.join('\n')).toMatch(/had not finished booting/);
  }, 60_000);
});

describe('a small --budget', () => {
  it('does not break the boot, or the replay of messages that succeeded', async () => {
    const dataDir = tempDataDir();
    const net = network(dataDir, { engine: { instructionBudget: 1000 } });
    const { process: p, result } = await net.spawn('tight');
    expect(result.Error).toBeUndefined(); // booting aos takes far more than 1,000 instructions
    const over = await evalIn(net, p, 'for i = 1, 1e6 do Mine = (Mine or 0) + 1 end');
    expect(over.Error).toMatch(/Stopped: this message ran more than 1,000 Lua instructions/);
    await net.close();
    const roomy = network(dataDir);
    const { process: q } = await roomy.openOrSpawn('tight');
    expect((await evalIn(roomy, q, 'Mine = 41 + 1')).Error).toBeUndefined();
    await roomy.close();
    // Reopened with the small budget and no snapshot: the whole log replays, boot included.
    fs.rmSync(path.join(p.dir, 'snapshots'), { recursive: true, force: true });
    const again = network(dataDir, { engine: { instructionBudget: 1000 } });
    const { process: r } = await again.openOrSpawn('tight');
    expect(await r.inspect('return Mine')).toBe(42);
    await again.close();
  }, 60_000);

  it('a boot whose On-Boot code fails still leaves a working process (opened again, replayed too)', async () => {
    const dataDir = tempDataDir();
    const net = network(dataDir);
    const { process: p, result } = await net.spawn('badboot', { tags: [{ name: 'On-Boot', value: 'Data' }], data: 'Booted = true; error("bad boot")' });
    expect(result.Error).toMatch(/bad boot/);
    expect(outputData(await evalIn(net, p, 'return 1 + 1'))).toBe('2');
    await net.close();
    fs.rmSync(path.join(p.dir, 'snapshots'), { recursive: true, force: true });
    const again = network(dataDir);
    const { process: q } = await again.openOrSpawn('badboot');
    expect(outputData(await evalIn(again, q, 'return tostring(Booted) .. " " .. (2 + 2)'))).toBe('true 4');
    await again.close();
  }, 60_000);

  it('a folder or file where a store file or folder goes: an error naming it', async () => {
    const dataDir = tempDataDir();
    const { dir } = await counter(dataDir, 'odd', 1);
    const cases: [string, () => void, () => void, RegExp][] = [
      [
        'snapshots is a file',
        () => {
          fs.rmSync(path.join(dir, 'snapshots'), { recursive: true });
          fs.writeFileSync(path.join(dir, 'snapshots'), 'x');
        },
        () => fs.rmSync(path.join(dir, 'snapshots')),
        /snapshots is not a folder, so .* cannot be made there\. Move that file aside/,
      ],
      [
        'the segment is a folder',
        () => {
          fs.renameSync(seg1(dir), `${seg1(dir)}.saved`);
          fs.mkdirSync(seg1(dir));
        },
        () => {
          fs.rmdirSync(seg1(dir));
          fs.renameSync(`${seg1(dir)}.saved`, seg1(dir));
        },
        /000000000001\.seg is damaged at byte 0: it cannot be opened \(EISDIR\)/,
      ],
    ];
    for (const [label, make, undo, pattern] of cases) {
      make();
      const net = network(dataDir);
      await expect(net.openOrSpawn('odd'), label).rejects.toThrow(pattern);
      await net.close();
      undo();
    }
    expect(await mine(dataDir, 'odd')).toBe(1);
    // An unreadable mailbox: the process opens and works; the notice names the file.
    fs.mkdirSync(path.join(dir, 'incoming.jsonl'));
    const notices: string[] = [];
    expect(await mine(dataDir, 'odd', notices)).toBe(1);
    expect(notices.filter((n) => n.includes('incoming.jsonl'))).toEqual([
      expect.stringMatching(/^cannot read the mailbox .*incoming\.jsonl \(EISDIR\); messages other programs sent there wait/),
    ]);
  }, 60_000);
});
