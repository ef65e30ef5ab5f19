// The process service through the library face (connect()): the history's
// paging and lookups with undo, Assign carried out across local processes,
// From set by the From-Process rule, and what a dry-run request may set.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type LocalAo } from '../../src/index.js';
import { LocalConnection } from '../../src/local/local-connection.js';

const dirs: string[] = [];
const open: LocalAo[] = [];

function setup(): LocalAo {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aos-ts-service-'));
  dirs.push(dir);
  const ao = connect({ dataDir: dir });
  open.push(ao);
  return ao;
}

afterEach(async () => {
  for (const ao of open.splice(0)) await ao.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const evalTags = [{ name: 'Action', value: 'Eval' }];
const data = (r: { Output: unknown }) => ((r.Output as { data?: unknown }).data ?? '') as string;

async function evalOk(ao: LocalAo, pid: string, code: string): Promise<string> {
  const mid = await ao.message({ process: pid, tags: evalTags, data: code });
  const r = await ao.result({ process: pid, message: mid });
  if (r.Error !== undefined) throw new Error(`Eval failed: ${r.Error}`);
  return data(r);
}

describe('the history', () => {
  it('pages results without undone messages; result by id still finds them; resultOf by slot', async () => {
    const ao = setup();
    const pid = await ao.spawn({ tags: [{ name: 'Name', value: 'undoing' }] });
    const mids: string[] = [];
    for (let i = 1; i <= 3; i++) mids.push(await ao.message({ process: pid, tags: evalTags, data: `X = ${i} return "r${i}"` }));
    const proc = await ao.network.get(pid);
    const conn = new LocalConnection(ao.network, proc);
    expect(await conn.undo()).toBe('Eval: X = 3 return "r3"');

    const page = await ao.results({ process: pid, limit: 10 });
    expect(page.edges.map((e) => data(e.node))).toEqual(['', 'r1', 'r2']);
    const desc = await ao.results({ process: pid, sort: 'DESC', limit: 1 });
    expect(data(desc.edges[0]!.node)).toBe('r2');
    expect(desc.pageInfo.hasNextPage).toBe(true);
    // Undone, not forgotten: the message is still in the history under its id.
    expect(data(await ao.result({ process: pid, message: mids[2]! }))).toBe('r3');
    expect(proc.history.isUndone(proc.history.seqOf(mids[2]!)!)).toBe(true);
    expect(proc.history.isUndone(proc.history.seqOf(mids[1]!)!)).toBe(false);
    // Slot = seq - 1: slot 0 is the process message, slot 2 the second Eval.
    expect(proc.history.resultOf({ slot: 0 })?.msg.Id).toBe(pid);
    expect(proc.history.resultOf({ slot: 2 })?.msg.Id).toBe(mids[1]);
    expect(proc.history.resultOf(mids[0]!)?.seq).toBe(2);
    expect(proc.history.resultOf({ slot: 99 })).toBeUndefined();
    expect(await evalOk(ao, pid, 'return X')).toBe('2');
  });

  it('patch@1.0 state forgets what an undone message set', async () => {
    const ao = setup();
    const pid = await ao.spawn({ tags: [{ name: 'Name', value: 'patcher' }] });
    await evalOk(ao, pid, `Send({ device = 'patch@1.0', counter = '7', label = 'first' })`);
    await evalOk(ao, pid, `Send({ device = 'patch@1.0', counter = '8' })`);
    const proc = await ao.network.get(pid);
    expect(proc.history.patched(['counter'])).toEqual({ found: true, value: '8' });
    await new LocalConnection(ao.network, proc).undo();
    expect(proc.history.patched(['counter'])).toEqual({ found: true, value: '7' });
    expect(proc.history.patched([])).toEqual({ found: true, value: { counter: '7', label: 'first' } });
    await new LocalConnection(ao.network, proc).undo();
    expect(proc.history.patched(['counter'])).toEqual({ found: false });
  });

  it('patch@1.0 state past the patch records kept whole: state at an old slot and an undo of an old message', async () => {
    const ao = setup();
    const pid = await ao.spawn({ tags: [{ name: 'Name', value: 'many-patches' }] });
    const mids: string[] = [];
    for (let i = 1; i <= 80; i++) {
      const mid = await ao.message({ process: pid, tags: evalTags, data: `Send({ device = 'patch@1.0', n = '${i}', k${i} = '${i}' })` });
      mids.push(mid);
    }
    expect((await ao.result({ process: pid, message: mids[79]! })).Error).toBeUndefined();
    const proc = await ao.network.get(pid);
    const h = proc.history;
    expect(h.patched(['n'])).toEqual({ found: true, value: '80' });
    expect(h.patched(['k1'])).toEqual({ found: true, value: '1' });
    const at5 = h.patchedState(h.seqOf(mids[4]!)!);
    expect(at5.n).toBe('5');
    expect(Object.keys(at5).sort()).toEqual(['k1', 'k2', 'k3', 'k4', 'k5', 'n']);
    // Undo the third message: its key is gone now and at every later slot; the newest n stays.
    const undone = await proc.undoLast((rec) => rec.msg.Id === mids[2]);
    expect(undone?.msg.Id).toBe(mids[2]);
    expect(h.patched(['k3'])).toEqual({ found: false });
    expect(h.patched(['k4'])).toEqual({ found: true, value: '4' });
    expect(h.patched(['n'])).toEqual({ found: true, value: '80' });
    expect(Object.keys(h.patchedState(h.seqOf(mids[4]!)!)).sort()).toEqual(['k1', 'k2', 'k4', 'k5', 'n']);
    expect(Object.keys(h.patchedState(h.seqOf(mids[69]!)!))).toHaveLength(70);
  });

  it('a patch@1.0 message addressed to the process itself is applied, not delivered (the docs\' example)', async () => {
    const ao = setup();
    const pid = await ao.spawn({ tags: [{ name: 'Name', value: 'self-patcher' }] });
    const inboxBefore = await evalOk(ao, pid, 'return #Inbox');
    await evalOk(ao, pid, `Send({ Target = ao.id, device = 'patch@1.0', cache = { balances = { alice = '5' } } })`);
    const proc = await ao.network.get(pid);
    expect(proc.history.patched(['cache', 'balances', 'alice'])).toEqual({ found: true, value: '5' });
    // Had it been delivered, the process would hold it in its Inbox.
    expect(await evalOk(ao, pid, 'return #Inbox')).toBe(inboxBefore);
  });
});

describe('Assign', () => {
  const receiver = `
    Handlers.add("got", "Hello", function(m) Got = m.Data GotFrom = m.From GotTarget = m.Target GotId = m.Id end)
    return "ok"`;

  it('delivers the original message to an assignable local process; one without the spec drops it', async () => {
    const ao = setup();
    const a = await ao.spawn({ tags: [{ name: 'Name', value: 'assigner' }] });
    const b = await ao.spawn({ tags: [{ name: 'Name', value: 'assignee' }] });
    const c = await ao.spawn({ tags: [{ name: 'Name', value: 'strict' }] });
    await evalOk(ao, b, `ao.addAssignable("any", function(m) return true end)\n${receiver}`);
    await evalOk(ao, c, receiver);
    await evalOk(ao, a, `Handlers.add("fwd", "Hello", function(m) Assign({ Processes = { "${b}", "${c}" }, Message = m.Id }) end) return "ok"`);

    const mid = await ao.message({ process: a, tags: [{ name: 'Action', value: 'Hello' }], data: 'hi' });
    const settled = ao.lastSettled()!;
    expect(settled.cascade.map((d) => d.process)).toEqual([b, c]);
    expect(settled.pendingAssignments).toEqual([]);
    const me = ao.network.identity.address;
    expect(await evalOk(ao, b, 'return Got .. "|" .. GotFrom .. "|" .. GotTarget .. "|" .. GotId')).toBe(`hi|${me}|${a}|${mid}`);
    expect(await evalOk(ao, c, 'return tostring(Got)')).toBe('nil');
    // The assignee's history holds the message under its original id.
    expect(data(await ao.result({ process: b, message: mid }))).toBe('');
    expect((await ao.result({ process: c, message: mid })).Messages.map((m) => m.Data)).toEqual(['Assignment is not trusted by this process!']);
  });

  it('keeps assignments to processes that are not local as pending', async () => {
    const ao = setup();
    const a = await ao.spawn({ tags: [{ name: 'Name', value: 'far-assigner' }] });
    const far = 'f'.repeat(43);
    await evalOk(ao, a, `Handlers.add("fwd", "Hello", function(m) Assign({ Processes = { "${far}" }, Message = m.Id }) end) return "ok"`);
    const mid = await ao.message({ process: a, tags: [{ name: 'Action', value: 'Hello' }] });
    expect(ao.lastSettled()!.pendingAssignments).toEqual([{ from: a, process: far, message: mid }]);
  });

  it('connect().assign() assigns a handled message once', async () => {
    const ao = setup();
    const a = await ao.spawn({ tags: [{ name: 'Name', value: 'first' }] });
    const b = await ao.spawn({ tags: [{ name: 'Name', value: 'second' }] });
    await evalOk(ao, b, `ao.addAssignable(function(m) return true end)\n${receiver}`);
    const mid = await ao.message({ process: a, tags: [{ name: 'Action', value: 'Hello' }], data: 'again' });
    const id = await ao.assign({ process: b, message: mid });
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await evalOk(ao, b, 'return Got .. "|" .. GotTarget')).toBe(`again|${a}`);
    const proc = await ao.network.get(b);
    const before = proc.lastSeq;
    expect(await ao.assign({ process: b, message: mid })).toBe(id);
    expect(proc.lastSeq).toBe(before);
    await expect(ao.assign({ process: b, message: 'z'.repeat(43) })).rejects.toThrow(/no local process has received a message/);
  });

  it('connect().assign() finds a message in a process that is not open yet', async () => {
    const ao = setup();
    const a = await ao.spawn({ tags: [{ name: 'Name', value: 'closed-sender' }] });
    const b = await ao.spawn({ tags: [{ name: 'Name', value: 'closed-receiver' }] });
    await evalOk(ao, b, `ao.addAssignable(function(m) return true end)\n${receiver}`);
    const mid = await ao.message({ process: a, tags: [{ name: 'Action', value: 'Hello' }], data: 'later' });
    const dataDir = ao.network.dataDir;
    await ao.close();
    const again = connect({ dataDir });
    open.push(again);
    await again.assign({ process: b, message: mid });
    expect(await evalOk(again, b, 'return Got .. "|" .. GotTarget')).toBe(`later|${a}`);
    const conn = new LocalConnection(again.network, await again.network.get(a));
    expect(conn.capabilities).toMatchObject({ undo: true, names: true });
    await conn.eval(`Handlers.add("fwd", "Fwd", function(m) Assign({ Processes = { "${b}" }, Message = "${mid}" }) end)`);
    const settled = await conn.sendSettled({ Tags: [{ name: 'Action', value: 'Fwd' }] });
    expect(settled.status).toBe('handled');
    // b has the message already: the scheduler does not assign it twice.
    expect(settled.cascade).toEqual([]);
    expect(settled.pendingAssignments).toEqual([]);
  });
});

describe('From and dry-run fields, as the compute unit sets them', () => {
  const who = `
    table.insert(ao.authorities, Owner)
    Handlers.add("who", "Who", function(m)
      m.reply({ Data = m.From .. "|" .. m.Owner .. "|" .. tostring(m["Forwarded-By"]) .. "|" .. tostring(m.Timestamp) .. "|" .. tostring(m["Block-Height"]) .. "|" .. tostring(os.time()) })
    end)
    return "ok"`;

  it('a message with a From-Process tag has that From, signed by its Owner', async () => {
    const ao = setup();
    const pid = await ao.spawn({ tags: [{ name: 'Name', value: 'who' }] });
    await evalOk(ao, pid, who);
    const other = 'p'.repeat(43);
    const me = ao.network.identity.address;
    const mid = await ao.message({ process: pid, tags: [{ name: 'Action', value: 'Who' }, { name: 'From-Process', value: other }] });
    const reply = (await ao.result({ process: pid, message: mid })).Messages[0]!;
    expect(String(reply.Data).split('|').slice(0, 3)).toEqual([other, me, me]);
    expect(reply.Target).toBe(other);
    const plain = await ao.message({ process: pid, tags: [{ name: 'Action', value: 'Who' }] });
    expect(String((await ao.result({ process: pid, message: plain })).Messages[0]!.Data).split('|').slice(0, 3)).toEqual([me, me, 'nil']);
  });

  it('a dry-run honours From-Process, Owner, Timestamp and Block-Height, ignores From, and defaults to the newest time', async () => {
    const ao = setup();
    const pid = await ao.spawn({ tags: [{ name: 'Name', value: 'dry-who' }] });
    await evalOk(ao, pid, who);
    const me = ao.network.identity.address;
    const other = 'q'.repeat(43);
    const tagged = await ao.dryrun({
      process: pid,
      tags: [{ name: 'Action', value: 'Who' }, { name: 'From-Process', value: other }],
      Timestamp: 1_700_000_000_000,
      'Block-Height': 1234,
    });
    expect(tagged.Messages[0]!.Data).toBe(`${other}|${me}|${me}|1700000000000|1234|1700000000000`);
    const owner = 'o'.repeat(43);
    const asOwner = await ao.dryrun({ process: pid, tags: [{ name: 'Action', value: 'Who' }], Owner: owner, From: 'ignored' });
    // From = Owner (a From in the request is ignored).
    expect(String(asOwner.Messages[0]!.Data).split('|').slice(0, 3)).toEqual([owner, owner, 'nil']);
    const plain = await ao.dryrun({ process: pid, tags: [{ name: 'Action', value: 'Who' }], From: 'ignored' });
    const [from, , , ts] = String(plain.Messages[0]!.Data).split('|');
    expect(from).toBe(me);
    const proc = await ao.network.get(pid);
    expect(Number(ts)).toBe(proc.history.lastTimestamp);
    await expect(ao.dryrun({ process: pid, tags: [], Timestamp: 'soon' })).rejects.toThrow(/Timestamp/);
  });
});
