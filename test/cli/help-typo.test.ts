// `aos-ts help [command]`, and names that look like a mistyped command (issue 15 item 6).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { editDistance, lookalikeCommand } from '../../src/cli/program.js';
import { aos } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir } from '../helpers/temp.js';

afterEach(() => removeTempDirs());

const processCount = (dataDir: string): number =>
  existsSync(join(dataDir, 'processes')) ? readdirSync(join(dataDir, 'processes')).length : 0;

describe('aos-ts help', () => {
  it('`help` prints the usage and creates no process', async () => {
    const dataDir = tempDataDir();
    const r = await aos(['help'], { dataDir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: aos-ts/);
    expect(processCount(dataDir)).toBe(0);
  });

  it('`help spawn` prints the help of spawn', async () => {
    const r = await aos(['help', 'spawn'], { dataDir: tempDataDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: aos-ts spawn/);
    expect(r.stdout).toContain('--cron');
  });

  it('`help nosuch` says which commands there are', async () => {
    const r = await aos(['help', 'nosuch'], { dataDir: tempDataDir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no command "nosuch".*spawn/);
  });
});

describe('a process name that looks like a command', () => {
  it('`spwan --run` is refused in a script with a one-line hint, and creates nothing', async () => {
    const dataDir = tempDataDir();
    const r = await aos(['spwan', '--run', 'return 1'], { dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('aos-ts: "spwan" is not a command; did you mean `aos-ts spawn`? To create a process named "spwan", add --yes.\n');
    expect(processCount(dataDir)).toBe(0);
  });

  it('--yes creates it, and afterwards the existing process opens without a question', async () => {
    const dataDir = tempDataDir();
    const made = await aos(['spwan', '--yes', '--run', 'X = 5 return X'], { dataDir });
    expect(made.code).toBe(0);
    expect(made.stdout).toBe('5\n');
    const again = await aos(['spwan', '--run', 'return X'], { dataDir });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('5\n');
  });

  it('ordinary names are not mistaken for commands', () => {
    for (const name of ['default', 'worker', 'test', 'sender', 'tok', 'alice']) expect(lookalikeCommand(name, ['spawn', 'send', 'list', 'serve', 'publish', 'help'])).toBeUndefined();
    expect(lookalikeCommand('lsit', ['list'])).toBe('list');
    expect(lookalikeCommand('pubilsh', ['publish'])).toBe('publish');
    expect(editDistance('spwan', 'spawn')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('send to an id that is not local', () => {
  it('says the message goes to AO, not to a local process', async () => {
    const dataDir = tempDataDir();
    const id = 'z'.repeat(43);
    const r = await aos(['send', id, '--action', 'Ping', '--wallet', join(tempDataDir(), 'missing', 'w.json')], { dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`${id} is not a local process: sending to it on AO (add --mainnet <url> or --legacy to choose the network).`);
  });
});
