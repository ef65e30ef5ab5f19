// Issue 15 items 1-2, the shell: an error points at the input (or the .load file) whose code failed,
// with that line under it and no frames of the OS, even when the function came from an earlier input.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replServices } from '../../src/cli/repl-services.js';
import { LocalConnection } from '../../src/local/local-connection.js';
import type { LocalNetwork } from '../../src/local/network.js';
import { KeyDecoder } from '../../src/repl/keys.js';
import { ReplSession } from '../../src/repl/session.js';
import { itemText } from '../../src/repl/transcript.js';
import { stripAnsi } from '../../src/text/ansi.js';
import { network, removeTempDirs, tempDataDir } from '../helpers/local.js';
import { waitFor } from '../helpers/wait.js';

let nets: LocalNetwork[] = [];
afterEach(async () => {
  for (const n of nets) await n.close();
  nets = [];
  removeTempDirs();
});

async function shell(net = network(), earlierEval?: (chunk: string) => undefined) {
  nets.push(net);
  const { process: p } = await net.openOrSpawn('places');
  const session = new ReplSession(new LocalConnection(net, p), {
    services: { ...replServices(async (n) => net.resolve(n)), earlierEval },
  });
  await session.start();
  const decoder = new KeyDecoder();
  const type = async (...events: string[]) => {
    for (const e of events) for (const k of decoder.decode(e)) await session.handleKey(k);
  };
  const items = () => session.getView().items;
  const errors = () => items().filter((i) => i.type === 'error').map((i) => stripAnsi(itemText(i)));
  return { session, type, errors, net, p };
}

const paste = (text: string) => `\u001b[200~${text}\u001b[201~\r`;

describe('errors in the shell point where the code failed', () => {
  it('a function from an earlier input fails on its own line 4, not line 4 of the current input', async () => {
    const { type, errors } = await shell();
    await type(paste('function firstField(t)\n  local seen = 0\n  seen = seen + 1\n  return t.first\nend'));
    expect(errors()).toEqual([]);
    await type(paste('local a = 1\nlocal b = 2\nlocal c = 3\nlocal d = "this is line four"\nreturn firstField(nil)'));
    const [err] = errors();
    expect(err).toBeDefined();
    const lines = err!.split('\n');
    expect(lines[0]).toBe("input 1:4: attempt to index a nil value (local 't')");
    expect(lines[1]).toBe('   4 |   return t.first');
    expect(err).not.toContain('this is line four');
    expect(err).not.toMatch(/\[string "/);
  });

  it('an error in a handler of a .loaded file names the file and line, with no OS frames', async () => {
    const dir = tempDataDir();
    mkdirSync(join(dir, 'lib'));
    writeFileSync(
      join(dir, 'lib', 'util.lua'),
      ['local M = {}', '', 'function M.total(list)', '  local sum = 0', '  for _, v in ipairs(list) do sum = sum + v end', '  return sum + list.extra', 'end', '', 'return M', ''].join('\n'),
    );
    writeFileSync(
      join(dir, 'main.lua'),
      ['local util = require("lib.util")', 'Handlers.add("sum", "Sum", function(msg)', '  msg.reply({ Data = tostring(util.total({ 1, 2 })) })', 'end)', ''].join('\n'),
    );
    const { type, errors, session } = await shell();
    await type(`.load ${join(dir, 'main.lua')}\r`);
    expect(errors()).toEqual([]);
    await type('Send({ Target = ao.id, Action = "Sum" })\r');
    const err = await waitFor(() => errors()[0], 'the handler error to show', 15_000);
    const lines = err.split('\n');
    expect(lines[0]).toMatch(/^lib\/util\.lua:6: attempt to perform arithmetic on a nil value \(field 'extra'\)$/);
    expect(lines[1]).toBe('   6 |   return sum + list.extra');
    expect(err).not.toMatch(/\[string "\./);
    expect(err).not.toContain('shortTraceback');
    expect(session.getView().items.some((i) => i.type === 'error')).toBe(true);
  });
});
