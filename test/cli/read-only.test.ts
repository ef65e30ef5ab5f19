// An Eval that only reads is not a change (issue 15 item 8): undo skips it,
// and publish does not upload it.
import { afterEach, describe, expect, it } from 'vitest';
import { isReadOnlyEval } from '../../src/bundle/read-only.js';
import { LocalConnection } from '../../src/local/local-connection.js';
import { readSource } from '../../src/publish/source.js';
import { aos } from '../helpers/cli.js';
import { network, removeTempDirs, tempDataDir } from '../helpers/local.js';

afterEach(() => removeTempDirs());

describe('isReadOnlyEval', () => {
  it('takes expressions without calls as reads, anything else as a change', () => {
    for (const code of ['return Counter', 'Counter', 'Balances[Owner]', '#Inbox', 'Counter + 1 == 3 and "yes" or "no"', '-- look\nreturn Handlers.list', '']) {
      expect(isReadOnlyEval(code), code).toBe(true);
    }
    for (const code of ['Counter = 1', 'Send({ Target = Owner })', 'print"x"', 'f{1}', 'Handlers.add("a", "A", x)', 't:insert(1)', 'local x = 1', 'return f()', '(f)()', 'x.y = 2', 'for i = 1, 2 do end', 'return 1; Counter = 2']) {
      expect(isReadOnlyEval(code), code).toBe(false);
    }
  });
});

describe('undo and publish skip reads', () => {
  it('undo takes back the last change, not the read after it; publish leaves the read out', async () => {
    const dataDir = tempDataDir();
    expect((await aos(['--run', 'Counter = 1'], { dataDir })).code).toBe(0);
    expect((await aos(['--run', 'Counter = Counter + 1'], { dataDir })).code).toBe(0);
    expect((await aos(['--run', 'return Counter'], { dataDir })).stdout).toBe('2\n');
    const net = network(dataDir);
    try {
      const { process } = await net.openOrSpawn('default');
      const source = readSource(process);
      expect(source.evals.map((e) => e.code)).toEqual(['Counter = 1', 'Counter = Counter + 1']);
      const conn = new LocalConnection(net, process);
      expect(await conn.undo()).toBe('Eval: Counter = Counter + 1');
      expect(await conn.inspect('return Counter')).toBe(1);
    } finally {
      await net.close();
    }
  });
});
