// `aos-ts --run`, piped Lua and --json, through the CLI, in-process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aos } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir } from '../helpers/temp.js';

afterEach(() => removeTempDirs());

describe('aos-ts --run', () => {
  it('evaluates in "default", prints Output.data, and keeps state between runs', async () => {
    const dataDir = tempDataDir();
    const first = await aos(['--run', 'Count = 41 return Count + 1'], { dataDir });
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('42\n');
    expect(first.stderr).toMatch(/created local process "default"/);
    const second = await aos(['--run', 'Count = Count + 10 return Count'], { dataDir });
    expect(second.stdout).toBe('51\n');
    expect(second.stderr).toBe('');
  });

  it('runs in a named process, separate from the default one', async () => {
    const dataDir = tempDataDir();
    await aos(['--run', 'Who = "default"'], { dataDir });
    await aos(['worker', '--run', 'Who = "worker"'], { dataDir });
    expect((await aos(['worker', '--run', 'return Who'], { dataDir })).stdout).toBe('worker\n');
    expect((await aos(['--run', 'return Who'], { dataDir })).stdout).toBe('default\n');
  });

  it('sends Lua errors to stderr with exit code 1, and keeps nothing of the failed message', async () => {
    const dataDir = tempDataDir();
    await aos(['--run', 'V = 1'], { dataDir });
    const syntax = await aos(['--run', 'x = '], { dataDir });
    expect(syntax.code).toBe(1);
    expect(syntax.stdout).toBe('');
    expect(syntax.stderr).toContain(`input:1: unexpected symbol near <eof>`);
    const runtime = await aos(['--run', 'V = 2 error("nope")'], { dataDir });
    expect(runtime.code).toBe(1);
    expect(runtime.stderr).toMatch(/nope/);
    expect((await aos(['--run', 'return V'], { dataDir })).stdout).toBe('1\n');
  });

  it('prints print() lines and tables without colour codes when not on a terminal', async () => {
    const dataDir = tempDataDir();
    const r = await aos(['--run', 'print("hello") print(7) return { a = 1 }'], { dataDir });
    expect(r.stdout).toBe('hello\n7\n{\n   a = 1\n}\n');
  });

  it('keeps colours when asked to, and --no-color wins', async () => {
    const dataDir = tempDataDir();
    expect((await aos(['--run', 'print(7)'], { dataDir, env: { FORCE_COLOR: '1' } })).stdout).toBe('\u001b[32m7\u001b[0m\n');
    expect((await aos(['--no-color', '--run', 'print(7)'], { dataDir, env: { FORCE_COLOR: '1' } })).stdout).toBe('7\n');
  });

  it('--json prints the whole result', async () => {
    const dataDir = tempDataDir();
    const r = await aos(['--json', '--run', 'Send({ Target = "' + 'z'.repeat(43) + '", Action = "Hi" }) return 5'], { dataDir });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.Output.data).toContain('5');
    expect(result.Messages[0].Target).toBe('z'.repeat(43));
    expect(result.Messages[0].Tags).toContainEqual({ name: 'Action', value: 'Hi' });
  });

  it('evaluates Lua piped on stdin', async () => {
    const dataDir = tempDataDir();
    const r = await aos([], { dataDir, input: 'local t = {}\nfor i = 1, 3 do t[#t + 1] = i * i end\nreturn table.concat(t, ",")\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('1,4,9\n');
    const bad = await aos([], { dataDir, input: 'return nil + 1' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/attempt to perform arithmetic on a nil value/);
  });

  it('stops an endless loop with a clear message and a usable process', async () => {
    const dataDir = tempDataDir();
    const r = await aos(['--budget', '2000000', '--run', 'while true do end'], { dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Stopped: this message ran more than 2,000,000 Lua instructions/);
    expect((await aos(['--run', '1 + 1'], { dataDir })).stdout).toBe('2\n');
  });

  it('explains bad options in one or two lines with a non-zero exit', async () => {
    const dataDir = tempDataDir();
    const r = await aos(['--budget', 'lots', '--run', '1'], { dataDir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--budget must be a positive whole number/);
    const unknown = await aos(['--frobnicate'], { dataDir });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown option '--frobnicate'/);
  });

  it('cannot reach the host from Lua', async () => {
    const dataDir = tempDataDir();
    const r = await aos(['--run', 'return tostring(io) .. tostring(os.execute) .. tostring(os.exit)'], { dataDir });
    expect(r.stdout).toBe('nilnilnil\n');
  });
});

describe('options that exclude each other', () => {
  it('--local with --remote, and --mainnet with --legacy, are refused before anything opens', async () => {
    const dataDir = tempDataDir();
    const both = await aos(['p', '--local', '--remote', '--run', '1'], { dataDir });
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/^aos-ts: option '--local' cannot be used with option '--remote'/);
    const networks = await aos(['p', '--mainnet', '--legacy', '--run', '1'], { dataDir });
    expect(networks.code).toBe(1);
    expect(networks.stderr).toMatch(/^aos-ts: option '--legacy' cannot be used with option '--mainnet/);
    expect(existsSync(join(dataDir, 'processes'))).toBe(false);
  });
});
