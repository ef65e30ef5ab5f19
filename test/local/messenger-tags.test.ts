// What a process sees in `msg` when another process sends to it or spawns:
// the messenger's layout (shared/spec/aos-library.md §6.3, §6.4).
import { afterEach, describe, expect, it } from 'vitest';
import { chainOf, forwardedMessage, spawnedNotice, spawnedProcessTags } from '../../src/local/messages.js';
import { tagValue, type Tag } from '../../src/engine/types.js';
import { evalIn, network, outputData, removeTempDirs } from '../helpers/local.js';

afterEach(() => removeTempDirs());

const MU = 'M'.repeat(43);
const SENDER = 'S'.repeat(43);
const PID = 'P'.repeat(43);
const t = (name: string, value: string): Tag => ({ name, value });

describe('the messenger layout, as a function', () => {
  it("re-signs an outbox entry: the process's tags in order, then Data-Protocol, Type, From-Process, From-Module, Pushed-For", () => {
    // The outbox entry of the spec's example 17 (aos's Send), plus tags the messenger replaces.
    const entry = {
      Target: PID,
      Data: 'hi',
      Anchor: '00000000000000000000000000000001',
      Tags: [
        t('Data-Protocol', 'ao'),
        t('Variant', 'ao.TN.1'),
        t('Type', 'Message'),
        t('Reference', '1'),
        t('Action', 'Ping'),
        t('Extra', '1'),
        t('From-Process', 'forged'),
        t('From-Module', 'forged'),
      ],
    };
    const msg = forwardedMessage({ from: SENDER, fromModule: 'MOD', messenger: MU, message: entry, id: 'x'.repeat(43), timestamp: 1000, pushedFor: 'U'.repeat(43) });
    expect(msg.Tags).toEqual([
      t('Variant', 'ao.TN.1'),
      t('Reference', '1'),
      t('Action', 'Ping'),
      t('Extra', '1'),
      t('Data-Protocol', 'ao'),
      t('Type', 'Message'),
      t('From-Process', SENDER),
      t('From-Module', 'MOD'),
      t('Pushed-For', 'U'.repeat(43)),
    ]);
    expect(msg.Owner).toBe(MU);
    expect(msg.From).toBe(SENDER);
    expect(msg['Forwarded-By']).toBe(MU);
    expect(msg.Target).toBe(PID);
    expect(msg.Anchor).toBe(entry.Anchor);
    expect(msg.Data).toBe('hi');
    // No Data: the messenger signs a single space. No chain known: no Pushed-For.
    const bare = forwardedMessage({ from: SENDER, fromModule: '', messenger: MU, message: { Target: PID, Tags: [t('Action', 'Ping')] }, id: 'y'.repeat(43), timestamp: 1 });
    expect(bare.Data).toBe(' ');
    expect(bare.Tags.map((x) => x.name)).toEqual(['Action', 'Data-Protocol', 'Type', 'From-Process', 'From-Module']);
  });

  it('names the chain: a person starts it, a pushed message carries it on', () => {
    const user = { Id: 'U'.repeat(43), Owner: 'W'.repeat(43), Tags: [] };
    expect(chainOf(user, MU)).toBe('U'.repeat(43));
    const pushed = { Id: 'N'.repeat(43), Owner: MU, Tags: [t('Pushed-For', 'U'.repeat(43))] };
    expect(chainOf(pushed, MU)).toBe('U'.repeat(43));
    // Anyone else's Pushed-For tag is just a tag.
    expect(chainOf({ Id: 'Z'.repeat(43), Owner: 'W'.repeat(43), Tags: [t('Pushed-For', 'forged')] }, MU)).toBe('Z'.repeat(43));
    expect(chainOf({ Owner: 'W'.repeat(43), Tags: [], Cron: true }, MU)).toBeUndefined();
  });

  it("builds the child's tags and the Spawned notice from aos's spawn tags (spec example 16)", () => {
    const spawn = [
      t('Data-Protocol', 'ao'),
      t('Variant', 'ao.TN.1'),
      t('Type', 'Process'),
      t('From-Process', SENDER),
      t('From-Module', 'stale'),
      t('Module', 'AWESOME_SAUCE'),
      t('Reference', '3'),
      t('Name', 'kid'),
    ];
    expect(spawnedProcessTags({ spawnTags: spawn, spawner: SENDER, spawnerModule: 'MOD', pushedFor: 'U'.repeat(43) })).toEqual([
      t('Variant', 'ao.TN.1'),
      t('From-Process', SENDER),
      t('From-Module', 'MOD'),
      t('Module', 'AWESOME_SAUCE'),
      t('Reference', '3'),
      t('Name', 'kid'),
      t('Variant', 'ao.TN.1'),
      t('Data-Protocol', 'ao'),
      t('Type', 'Process'),
      t('From-Process', SENDER),
      t('Pushed-For', 'U'.repeat(43)),
    ]);
    const notice = spawnedNotice({ spawner: SENDER, child: 'C'.repeat(43), spawnTags: spawn, messenger: MU, id: 'n'.repeat(43), timestamp: 5 });
    expect(notice.Tags).toEqual([
      t('From-Process', SENDER),
      t('From-Module', 'stale'),
      t('Module', 'AWESOME_SAUCE'),
      t('Reference', '3'),
      t('Name', 'kid'),
      t('Data-Protocol', 'ao'),
      t('Type', 'Message'),
      t('Process', 'C'.repeat(43)),
      t('Action', 'Spawned'),
      t('Variant', 'ao.TN.1'),
    ]);
    expect(notice.Target).toBe(SENDER);
    expect(notice.Owner).toBe(MU);
    expect(notice.From).toBe(SENDER);
    expect(notice.Data).toBe(' ');
    // ao.N.1 is kept on both.
    const n1 = spawn.map((x) => (x.name === 'Variant' ? t('Variant', 'ao.N.1') : x));
    expect(tagValue(spawnedNotice({ spawner: SENDER, child: 'C'.repeat(43), spawnTags: n1, messenger: MU, id: 'n'.repeat(43), timestamp: 5 }).Tags, 'Variant')).toBe('ao.N.1');
    expect(spawnedProcessTags({ spawnTags: n1, spawner: SENDER, spawnerModule: 'MOD' }).filter((x) => x.name === 'Variant').map((x) => x.value)).toEqual(['ao.N.1', 'ao.N.1']);
  });
});

describe('what a Lua handler observes', () => {
  it('a message from another local process: From, Owner, Forwarded-By, From-Module, Pushed-For, tag order, Data', async () => {
    const net = network();
    const { process: a } = await net.openOrSpawn('a');
    const { process: b } = await net.openOrSpawn('b');
    await evalIn(
      net,
      b,
      `Handlers.add("seen", "Hello", function(m)
         local names = {}
         for _, tag in ipairs(m.TagArray) do names[#names + 1] = tag.name end
         Seen = table.concat({ m.From, m.Owner, tostring(m["Forwarded-By"]), m.Tags["From-Module"], tostring(m["Pushed-For"]), "[" .. tostring(m.Data) .. "]", table.concat(names, ",") }, "|")
       end)`,
    );
    const user = net.userMessage(a.id, [{ name: 'Action', value: 'Eval' }], `Send({ Target = "${b.id}", Action = "Hello" })`);
    await net.sendAndSettle(a.id, user);
    const seen = String(await b.inspect('return Seen')).split('|');
    expect(seen.slice(0, 6)).toEqual([a.id, net.identity.messenger, net.identity.messenger, tagValue(a.meta.tags, 'Module'), user.Id, '[ ]']);
    expect(seen[6]!.split(',')).toEqual(['Variant', 'Reference', 'Action', 'Data-Protocol', 'Type', 'From-Process', 'From-Module', 'Pushed-For']);
    await net.close();
  });

  it("a Spawned notice: From is the spawner, its Reference matches, Process names the child; aos's spawn().onReply fires", async () => {
    const net = network();
    const { process: parent } = await net.openOrSpawn('parent-tags');
    const user = net.userMessage(
      parent.id,
      [{ name: 'Action', value: 'Eval' }],
      `ao.spawn(ao._module, { Name = "kid-tags" }).onReply(function(m)
         local names = {}
         for _, tag in ipairs(m.TagArray) do names[#names + 1] = tag.name end
         Replied = m.Process
         Notice = table.concat({ m.From, m.Owner, m.Reference, m.Process, "[" .. tostring(m.Data) .. "]", table.concat(names, ",") }, "|")
       end)
       SpawnRef = ao.reference`,
    );
    const s = await net.sendAndSettle(parent.id, user);
    expect(s.result.Error).toBeUndefined();
    const kidId = net.resolve('kid-tags')!;
    const ref = String(await parent.inspect('return SpawnRef'));
    const notice = String(await parent.inspect('return Notice')).split('|');
    const replied = await parent.inspect('return Replied');
    // aos's onReply waits for Action = Spawned, From = ao.id, Reference = its spawn's: it fires.
    expect(replied).toBe(kidId);
    expect(notice.slice(0, 5)).toEqual([parent.id, net.identity.messenger, ref, kidId, '[ ]']);
    expect(notice[5]!.split(',').slice(-5)).toEqual(['Data-Protocol', 'Type', 'Process', 'Action', 'Variant']);
    // The child's own tags: the messenger's layout, and the local messenger as its Authority.
    const kid = await net.get(kidId);
    const names = kid.meta.tags.map((x) => x.name);
    expect(names.slice(-6)).toEqual(['Variant', 'Data-Protocol', 'Type', 'From-Process', 'Pushed-For', 'Authority']);
    expect(tagValue(kid.meta.tags, 'Pushed-For')).toBe(user.Id);
    expect(kid.meta.tags.filter((x) => x.name === 'From-Process').map((x) => x.value)).toEqual([parent.id, parent.id]);
    expect(outputData(await evalIn(net, parent, 'return 1'))).toBe('1');
    await net.close();
  });

  it('an Assignments tag: the pushed message is also assigned to the listed processes, as the messenger does', async () => {
    const net = network();
    const { process: a } = await net.openOrSpawn('assigner');
    const { process: b } = await net.openOrSpawn('target-b');
    const { process: c } = await net.openOrSpawn('watcher-c');
    // c accepts assignments from local processes and notes what it saw.
    await evalIn(net, c, `ao.addAssignable("from-locals", function(m) return m.Action == "Hello" end)
      Handlers.add("hello", "Hello", function(m) SeenBy = m.Target .. "|" .. m.From .. "|" .. tostring(m.Tags.Assignments) end)`);
    await evalIn(net, b, 'Handlers.add("hello", "Hello", function(m) Got = m.Id end)');
    const s = await net.sendAndSettle(
      a.id,
      net.userMessage(a.id, [{ name: 'Action', value: 'Eval' }], `Send({ Target = "${b.id}", Action = "Hello", Assignments = { "${c.id}", "${'q'.repeat(43)}" } })`),
    );
    expect(s.result.Error).toBeUndefined();
    const got = String(await b.inspect('return Got'));
    // c received the very message b got (same id), Target still b, From the sender; the tag itself is not passed on.
    expect(c.history.seqOf(got)).toBeDefined();
    expect(await c.inspect('return SeenBy')).toBe(`${b.id}|${a.id}|nil`);
    // An assignee that is not local stays pending.
    expect(s.pendingAssignments).toEqual([{ from: a.id, process: 'q'.repeat(43), message: got }]);
    await net.close();
  });
});
