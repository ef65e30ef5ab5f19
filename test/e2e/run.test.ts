// `aos-ts --run`, piped Lua and --json, through the built CLI.
import { afterEach, describe, expect, it } from 'vitest';
import { aosTs } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir } from '../helpers/local.js';

afterEach(() => removeTempDirs());

describe('aos-ts --run', () => {
  it('evaluates in "default", prints Output.data, and keeps state between runs', () => {
    const dataDir = tempDataDir();
    const first = aosTs(['--run', 'Count = 41 return Count + 1'], { dataDir });
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('42\n');
    expect(first.stderr).toMatch(/created local process "default"/);
    const second = aosTs(['--run', 'Count = Count + 10 return Count'], { dataDir });
    expect(second.stdout).toBe('51\n');
    expect(second.stderr).toBe('');
  });

  it('runs in a named process, separate from the default one', () => {
    const dataDir = tempDataDir();
    aosTs(['--run', 'Who = "default"'], { dataDir });
    aosTs(['worker', '--run', 'Who = "worker"'], { dataDir });
    expect(aosTs(['worker', '--run', 'return Who'], { dataDir }).stdout).toBe('worker\n');
    expect(aosTs(['--run', 'return Who'], { dataDir }).stdout).toBe('default\n');
  });

  it('sends Lua errors to stderr with exit code 1, and keeps nothing of the failed message', () => {
    const dataDir = tempDataDir();
    aosTs(['--run', 'V = 1'], { dataDir });
    const syntax = aosTs(['--run', 'x = '], { dataDir });
    expect(syntax.code).toBe(1);
    expect(syntax.stdout).toBe('');
    expect(syntax.stderr).toContain(`[string "aos"]:1: unexpected symbol near <eof>`);
    const runtime = aosTs(['--run', 'V = 2 error("nope")'], { dataDir });
    expect(runtime.code).toBe(1);
    expect(runtime.stderr).toMatch(/nope/);
    expect(aosTs(['--run', 'return V'], { dataDir }).stdout).toBe('1\n');
  });

  it('prints print() lines and tables without colour codes when not on a terminal', () => {
    const dataDir = tempDataDir();
    const r = aosTs(['--run', 'print("hello") print(7) return { a = 1 }'], { dataDir });
    expect(r.stdout).toBe('hello\n7\n{\n   a = 1\n}\n');
  });

  it('keeps colours when asked to, and --no-color wins', () => {
    const dataDir = tempDataDir();
    expect(aosTs(['--run', 'print(7)'], { dataDir, env: { FORCE_COLOR: '1' } }).stdout).toBe('\u001b[32m7\u001b[0m\n');
    expect(aosTs(['--no-color', '--run', 'print(7)'], { dataDir, env: { FORCE_COLOR: '1' } }).stdout).toBe('7\n');
  });

  it('--json prints the whole result', () => {
    const dataDir = tempDataDir();
    const r = aosTs(['--json', '--run', 'Send({ Target = "' + 'z'.repeat(43) + '", Action = "Hi" }) return 5'], { dataDir });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.Output.data).toContain('5');
    expect(result.Messages[0].Target).toBe('z'.repeat(43));
    expect(result.Messages[0].Tags).toContainEqual({ name: 'Action', value: 'Hi' });
  });

  it('evaluates Lua piped on stdin', () => {
    const dataDir = tempDataDir();
    const r = aosTs([], { dataDir, input: 'local t = {}\nfor i = 1, 3 do t[#t + 1] = i * i end\nreturn table.concat(t, ",")\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('1,4,9\n');
    const bad = aosTs([], { dataDir, input: 'return nil + 1' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/attempt to perform arithmetic on a nil value/);
  });

  it('stops an endless loop with a clear message and a usable process', () => {
    const dataDir = tempDataDir();
    const r = aosTs(['--budget', '2000000', '--run', 'while true do end'], { dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Stopped: this message ran more than 2,000,000 Lua instructions/);
    expect(aosTs(['--run', '1 + 1'], { dataDir }).stdout).toBe('2\n');
  });

  it('explains bad options in one or two lines with a non-zero exit', () => {
    const dataDir = tempDataDir();
    const r = aosTs(['--budget', 'lots', '--run', '1'], { dataDir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--budget must be a positive whole number/);
    const unknown = aosTs(['--frobnicate'], { dataDir });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown option '--frobnicate'/);
  });

  it('cannot reach the host from Lua', () => {
    const dataDir = tempDataDir();
    const r = aosTs(['--run', 'return tostring(io) .. tostring(os.execute) .. tostring(os.exit)'], { dataDir });
    expect(r.stdout).toBe('nilnilnil\n');
  });
});
