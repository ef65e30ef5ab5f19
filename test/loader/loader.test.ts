// aos-ts/loader: the @permaweb/ao-loader contract, run against our process OS.
import { describe, expect, it } from 'vitest';
import AoLoader, { engineOptionsFor, type AoHandle } from '../../src/loader.js';
import { DEFAULT_INSTRUCTION_BUDGET } from '../../src/engine/process-engine.js';
import type { AoEnv, AoMessage, Tag } from '../../src/engine/types.js';

const env: AoEnv = { Process: { Id: 'AOS', Owner: 'FOOBAR', Tags: [{ name: 'Name', value: 'Thomas' }] } };
const options = { format: 'wasm64-unknown-emscripten-draft_2024_02_15' };

function message(fields: Partial<AoMessage> & { Tags?: Tag[] }): AoMessage {
  return { Target: 'AOS', From: 'FOOBAR', Owner: 'FOOBAR', 'Block-Height': '1000', Id: 'm-' + Math.random().toString(36).slice(2), Module: 'WOOPAWOOPA', Tags: [], ...fields };
}
const evalMsg = (code: string): AoMessage => message({ Tags: [{ name: 'Action', value: 'Eval' }], Data: code });

async function booted(opts: Record<string, unknown> = options): Promise<{ handle: AoHandle; memory: Uint8Array }> {
  const handle = await AoLoader(new Uint8Array([0, 0x61, 0x73, 0x6d]), opts);
  const r = await handle(null, message({ Id: 'AOS', 'Block-Height': '999', Tags: [{ name: 'Name', value: 'Thomas' }] }), env);
  expect(r.Error).toBeUndefined();
  return { handle, memory: r.Memory };
}

const data = (r: { Output?: unknown }): unknown => (r.Output as { data?: unknown } | undefined)?.data;

describe('aos-ts/loader', () => {
  it('answers the process message with the result fields ao-loader returns', async () => {
    const handle = await AoLoader(undefined, options);
    const r = await handle(null, message({ Id: 'AOS', Tags: [{ name: 'Name', value: 'Thomas' }] }), env);
    expect(Object.keys(r).sort()).toEqual(['Assignments', 'Error', 'GasUsed', 'Memory', 'Messages', 'Output', 'Patches', 'Spawns']);
    expect(r.Memory).toBeInstanceOf(Uint8Array);
    expect(r.Memory.byteLength).toBeGreaterThan(0);
    expect(r.Error).toBeUndefined();
    expect([r.Messages, r.Spawns, r.Assignments, r.Patches]).toEqual([[], [], [], []]);
    expect(typeof r.GasUsed).toBe('number');
    const out = r.Output as { data: string; prompt: string; print: boolean };
    expect(out.print).toBe(true);
    expect(out.prompt).toContain('Thomas');
  });

  it('evaluates code, and keeps state only through the Memory handed back', async () => {
    const { handle, memory } = await booted();
    const two = await handle(memory, evalMsg('1 + 1'), env);
    expect(data(two)).toBe('2');
    expect((two.Output as { test?: string }).test).toBe('{\n    [1] = "2"\n}');
    const set = await handle(memory, evalMsg('counter = 41'), env);
    const read = await handle(set.Memory, evalMsg('counter + 1'), env);
    expect(data(read)).toBe('42');
    // The boot memory again: counter was never set there.
    const again = await handle(memory, evalMsg('return tostring(counter)'), env);
    expect(data(again)).toBe('nil');
    // null starts over, even after other messages.
    const reboot = await handle(null, message({ Id: 'AOS', Tags: [{ name: 'Name', value: 'Thomas' }] }), env);
    const fresh = await handle(reboot.Memory, evalMsg('return tostring(counter) .. " " .. #Inbox'), env);
    expect(data(fresh)).toBe('nil 1');
  });

  it('accepts the Memory in another handle, and as an ArrayBuffer', async () => {
    const { handle, memory } = await booted();
    const set = await handle(memory, evalMsg('Shared = "across handles"'), env);
    const other = await AoLoader(null, options);
    const r = await other(set.Memory, evalMsg('Shared'), env);
    expect(data(r)).toBe('across handles');
    const copy = new Uint8Array(set.Memory).buffer;
    const r2 = await other(copy, evalMsg('Shared .. "!"'), env);
    expect(data(r2)).toBe('across handles!');
  });

  it('runs handlers and returns their Messages, Spawns and Assignments', async () => {
    const { handle, memory } = await booted();
    const added = await handle(memory, evalMsg('Handlers.add("ping", "Ping", function(m) m.reply({ Data = "pong" }) end)'), env);
    const pinged = await handle(added.Memory, message({ From: 'FRED', Owner: 'FRED', Tags: [{ name: 'Action', value: 'Ping' }] }), env);
    expect(pinged.Messages).toHaveLength(1);
    expect(pinged.Messages![0]!.Target).toBe('FRED');
    expect(pinged.Messages![0]!.Data).toBe('pong');
    const sent = await handle(pinged.Memory, evalMsg('Send({ Target = "PID", Action = "Hello", Data = "hi" }); Spawn("MOD", { Data = "x", Name = "kid" }); Assign({ Processes = { "p1", "p2" }, Message = "m1" })'), env);
    expect(sent.Error).toBeUndefined();
    expect(sent.Messages!.map((m) => [m.Target, m.Data, m.Tags.find((t) => t.name === 'Action')?.value])).toEqual([['PID', 'hi', 'Hello']]);
    expect(sent.Spawns).toHaveLength(1);
    expect(sent.Spawns![0]!.Tags.filter((t) => ['Module', 'From-Process', 'Name'].includes(t.name)).map((t) => `${t.name}=${t.value}`).sort()).toEqual([
      'From-Process=AOS',
      'Module=MOD',
      'Name=kid',
    ]);
    expect(sent.Assignments).toEqual([{ Processes: ['p1', 'p2'], Message: 'm1' }]);
  });

  it('gives an Error result with only Error set, and keeps the memory the message left (as ao-loader does)', async () => {
    const { handle, memory } = await booted();
    const r = await handle(memory, evalMsg('Marker = 7; error("boom")'), env);
    expect(r.Error).toContain('boom');
    expect([r.Output, r.Messages, r.Spawns, r.Assignments]).toEqual([undefined, undefined, undefined, undefined]);
    expect(r.Patches).toEqual([]);
    expect(typeof r.GasUsed).toBe('number');
    const after = await handle(r.Memory, evalMsg('return #Errors .. " " .. tostring(Marker)'), env);
    expect(data(after)).toBe('1 7');
    const syntax = await handle(memory, evalMsg('x = '), env);
    expect(syntax.Error).toContain('unexpected symbol');
  });

  it('stops an endless loop at the computeLimit and a runaway allocation at the memoryLimit', async () => {
    const { handle, memory } = await booted({ ...options, computeLimit: '2000000', memoryLimit: String(64 * 1024 * 1024) });
    const loop = await handle(memory, evalMsg('while true do end'), env);
    expect(loop.Error).toMatch(/2,000,000 Lua instructions/);
    const ok = await handle(memory, evalMsg('1 + 2'), env);
    expect(data(ok)).toBe('3');
    const big = await handle(memory, evalMsg('Big = string.rep("x", 100 * 1024 * 1024)'), env);
    expect(big.Error).toMatch(/64 MiB memory limit/);
  });

  it('reads the options as ao-loader documents them', () => {
    expect(engineOptionsFor({ memoryLimit: '524288000', computeLimit: (9e12).toString() })).toEqual({ memoryLimitBytes: 524288000, instructionBudget: DEFAULT_INSTRUCTION_BUDGET });
    expect(engineOptionsFor({ computeLimit: 1000 }).instructionBudget).toBe(1000);
    expect(engineOptionsFor({ computeLimit: 1000, instructionBudget: 5000 }).instructionBudget).toBe(5000);
    expect(() => engineOptionsFor({ memoryLimit: 'lots' })).toThrow(/memoryLimit must be a positive number of bytes, got "lots"/);
    expect(() => engineOptionsFor({ format: 7 as unknown as string })).toThrow(/format must be a string/);
  });

  it('refuses a Memory that is not an aos-ts memory image, with a clear error', async () => {
    const handle = await AoLoader(null, options);
    await expect(handle(new Uint8Array(1024), evalMsg('1'), env)).rejects.toThrow(/not an aos-ts memory image.*pass null to start a process/);
    // The handle still works afterwards.
    const r = await handle(null, message({ Id: 'AOS', Tags: [] }), env);
    expect(r.Error).toBeUndefined();
  });

  it('runs calls made without awaiting one at a time, each on the memory it was given', async () => {
    const { handle, memory } = await booted();
    const results = await Promise.all([1, 2, 3].map((n) => handle(memory, evalMsg(`N = (N or 0) + ${n}; return N`), env)));
    expect(results.map(data)).toEqual(['1', '2', '3']);
  });
});

describe('the aos-ts/loader package entry', () => {
  it('is exported as ./loader with types, from the module built from src/loader.ts', async () => {
    const { readFileSync, existsSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { exports: Record<string, { types: string; import: string }> };
    expect(pkg.exports['./loader']).toEqual({ types: './dist/loader.d.ts', import: './dist/loader.js' });
    expect(existsSync(new URL('../../src/loader.ts', import.meta.url))).toBe(true);
    expect(typeof AoLoader).toBe('function');
  });
});

describe('aos-ts/loader legacyOwner', () => {
  const first = (data: string): AoMessage => ({ ...evalMsg(data), Id: '1', From: 'FOOBAR', Owner: 'FOOBAR' });

  it('runs a first-message Eval by default (Owner from it, as aos before 2025 did), not with legacyOwner: false', async () => {
    const current = await AoLoader(null, { ...options, legacyOwner: false });
    const skipped = await current(null, first('Greeting = "hi"'), env);
    expect(String(data(skipped))).toContain('New Message From');
    const legacy = await AoLoader(null, options);
    const ran = await legacy(null, first('Greeting = "hi"; return Owner'), env);
    expect(data(ran)).toBe('FOOBAR');
    const next = await legacy(ran.Memory, evalMsg('Greeting'), env);
    expect(data(next)).toBe('hi');
  });

  it('leaves the process message rule alone, and takes a spawned child\'s Owner from From-Process', async () => {
    const legacy = await AoLoader(null, { ...options, legacyOwner: true });
    const childEnv: AoEnv = { Process: { Id: 'AOS', Owner: 'SIGNER', Tags: [{ name: 'From-Process', value: 'PARENT"\\x' }] } };
    const r = await legacy(null, { ...evalMsg('return Owner'), Id: '7', From: 'PARENT"\\x', Owner: 'SIGNER' }, childEnv);
    expect(r.Error).toBeUndefined();
    const owner = await legacy(r.Memory, { ...evalMsg('return Owner'), From: 'PARENT"\\x', Owner: 'PARENT"\\x' }, childEnv);
    expect(data(owner)).toBe('PARENT"\\x');
    const boot = await legacy(null, message({ Id: 'AOS', Tags: [{ name: 'Name', value: 'Thomas' }] }), env);
    const after = await legacy(boot.Memory, evalMsg('return Owner'), env);
    expect(data(after)).toBe('FOOBAR');
  });
});
