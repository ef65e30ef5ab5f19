// HyperBEAM path syntax, pure: splitting, inline and global keys, casting, devices mid-path.
import { describe, expect, it } from 'vitest';
import { castValue, getKey, parsePath, parseSegment, PathError, splitSegments, splitTyped } from '../../src/node/hyperbeam/path.js';
import { applyPatches, isPatchMessage, withoutPatches } from '../../src/local/patch-state.js';

const PID = 'A'.repeat(43);

describe('splitting', () => {
  it('drops empty segments and keeps slashes inside quotes and parentheses', () => {
    expect(splitSegments('//a///b/')).toEqual(['a', 'b']);
    expect(splitSegments('/a&k="v/1"/b')).toEqual(['a&k="v/1"', 'b']);
    expect(splitSegments('/x/(a/b)/c')).toEqual(['x', '(a/b)', 'c']);
    expect(() => splitSegments('/a&k="open')).toThrow(PathError);
    expect(() => splitSegments(`/${'x'.repeat(600)}`)).toThrow(/512/);
  });
});

describe('segments', () => {
  it('reads key, inline keys, flags and devices', () => {
    expect(parseSegment('compute&slot+integer=3&flag')).toEqual({ key: 'compute', device: undefined, params: { slot: 3, flag: true } });
    expect(parseSegment('serialize~json@1.0')).toEqual({ key: 'serialize', device: 'json@1.0', params: {} });
    expect(parseSegment('~message@1.0&Hello=World')).toEqual({ key: '', device: 'message@1.0', params: { hello: 'World' } });
    expect(parseSegment(`${PID}~process@1.0`)).toEqual({ key: '', id: PID, device: 'process@1.0', params: {} });
    expect(parseSegment('b+integer=4')).toEqual({ key: 'b', device: undefined, params: { b: 4 } });
    expect(parseSegment('NOW').key).toBe('now');
    expect(() => parseSegment('x~notadevice')).toThrow(/device/);
  });
});

describe('casting', () => {
  it('casts integers, floats, atoms, lists and maps, and refuses what does not fit', () => {
    expect(castValue('integer', '42')).toBe(42);
    expect(castValue('INTEGER', '-7')).toBe(-7);
    expect(() => castValue('integer', '4.2')).toThrow(PathError);
    expect(castValue('float', '1.5')).toBe(1.5);
    expect(() => castValue('float', '1')).toThrow(/dot/);
    expect(castValue('atom', 'true')).toBe(true);
    expect(castValue('list', '"apple",1,"(ao-type-integer) 2"')).toEqual(['apple', 1, 2]);
    expect(castValue('map', 'k1="v1";k2=?1')).toEqual({ k1: 'v1', k2: true });
    expect(() => castValue('nonsense', 'x')).toThrow(/unknown type/);
    expect(splitTyped('n integer')).toEqual(['n', 'integer']);
  });
});

describe('whole paths', () => {
  it('merges query keys into every step, N.key into step N only, inline keys winning', () => {
    const { steps, global } = parsePath('/~message@1.0&a=inline/a/b', 'a=global&n+integer=21&2.only=two');
    expect(global).toEqual({ a: 'global', n: 21 });
    expect(steps[0]!.params).toEqual({ a: 'inline', n: 21 });
    expect(steps[1]!.params).toEqual({ a: 'global', n: 21, only: 'two' });
    expect(steps[2]!.params.only).toBeUndefined();
  });

  it('percent-decodes segments and refuses bad encodings', () => {
    expect(parsePath('/~message@1.0&greeting=%22Hello%20there%22/greeting').steps[0]!.params.greeting).toBe('Hello there');
    expect(() => parsePath('/%ff')).toThrow(PathError);
  });

  it('finds keys case-insensitively, hides private keys, and numbers lists from 1', () => {
    expect(getKey({ Counter: 7 }, 'counter')).toEqual({ found: true, value: 7 });
    expect(getKey({ 'priv-key': 1 }, 'priv-key').found).toBe(false);
    expect(getKey(['a', 'b'] as unknown as Record<string, unknown>, '1')).toEqual({ found: true, value: 'a' });
  });
});

describe('patch@1.0', () => {
  const patch = (target: string | undefined, tags: [string, unknown][]) => ({ Target: target, Tags: tags.map(([name, value]) => ({ name, value: value as string })) });

  it('applies a patch message whatever its Target and keeps it out of the delivered outbox', () => {
    const msgs = [patch(PID, [['device', 'patch@1.0'], ['cache', { balances: { a: '1' } }]]), patch(PID, [['Action', 'Hello']]), patch(undefined, [['method', 'PATCH'], ['count', '2']])];
    expect(msgs.map(isPatchMessage)).toEqual([true, false, true]);
    expect(withoutPatches(msgs)).toHaveLength(1);
    const state = applyPatches({ cache: { balances: { b: '2' } } }, { Messages: msgs });
    expect(state).toEqual({ cache: { balances: { a: '1', b: '2' } }, count: '2' });
    expect(applyPatches({ x: 1 }, { Messages: msgs, Error: 'boom' })).toEqual({ x: 1 });
  });
});

describe('which requests are HyperBEAM paths', () => {
  it('leaves the signed mainnet forms, the SU and the gateway to their routes', async () => {
    const { isHyperbeamPath } = await import('../../src/node/hyperbeam/route.js');
    expect(isHyperbeamPath('GET', `/${PID}~process@1.0/now/counter`)).toBe(true);
    expect(isHyperbeamPath('GET', `/${PID}/now`)).toBe(true);
    expect(isHyperbeamPath('GET', '/~meta@1.0/info')).toBe(true);
    expect(isHyperbeamPath('GET', '/ledger~node-process@1.0/now/balance/x')).toBe(true);
    expect(isHyperbeamPath('POST', `/${PID}~process@1.0/push`)).toBe(false);
    expect(isHyperbeamPath('POST', `/${PID}/compute/results=3`)).toBe(false);
    expect(isHyperbeamPath('POST', `/${PID}~process@1.0/as=execution/compute&Action=Info`)).toBe(false);
    expect(isHyperbeamPath('GET', `/${PID}/slot/current`)).toBe(false);
    expect(isHyperbeamPath('GET', `/${PID}`)).toBe(false);
    expect(isHyperbeamPath('GET', `/tx/${PID}/status`)).toBe(false);
    expect(isHyperbeamPath('POST', '/push')).toBe(false);
  });
});

describe('gateway transaction selection', () => {
  it('filters by tags (EQ, NEQ, WILDCARD), recipients and blocks, newest first by default', async () => {
    const { selectTransactions } = await import('../../src/node/graphql.js');
    const tx = (id: string, ts: number, tags: [string, string][], target = '') => ({
      id,
      owner: { address: 'o', key: '' },
      target,
      anchor: '',
      signature: '',
      tags: tags.map(([name, value]) => ({ name, value })),
      dataSize: 0,
      dataType: '',
      timestamp: ts,
    });
    const all = [tx('a', 1000, [['Action', 'Eval']]), tx('b', 2000, [['Action', 'Transfer']], 'r'), tx('c', 3000, [['Action', 'Transfer-Notice']], 'r')];
    const ids = (page: { edges: { node: { id: string } }[] }) => page.edges.map((e) => e.node.id);
    const height = (ts: number) => ts / 1000;
    expect(ids(selectTransactions(all, {}, height))).toEqual(['c', 'b', 'a']);
    expect(ids(selectTransactions(all, { sort: 'HEIGHT_ASC', first: 2 }, height))).toEqual(['a', 'b']);
    expect(ids(selectTransactions(all, { tags: [{ name: 'Action', values: ['Eval'], op: 'NEQ' }] }, height))).toEqual(['c', 'b']);
    expect(ids(selectTransactions(all, { tags: [{ name: 'Action', values: ['Transfer*'], match: 'WILDCARD' }] }, height))).toEqual(['c', 'b']);
    expect(ids(selectTransactions(all, { recipients: ['r'], block: { max: 2 } }, height))).toEqual(['b']);
    expect(() => selectTransactions(all, { after: 'bm9wZQ' }, height)).toThrow(/cursor/);
  });
});
