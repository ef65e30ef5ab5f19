// The command declarations: reserved names come from them, and help, version
// and usage errors return exit codes instead of ending the program.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandNames } from '../../src/cli/program.js';
import { aos } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('the program', () => {
  it('names every registered command as reserved, and help', () => {
    expect([...commandNames()].sort()).toEqual(['blueprints', 'help', 'inbox', 'list', 'publish', 'send', 'serve', 'spawn', 'wallet']);
  });

  it('--version and --help print on stdout and exit 0', async () => {
    const v = await aos(['--version']);
    expect(v).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    const help = await aos(['send', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: aos-ts send \[options\] <process>/);
    expect(help.stdout).toContain('--data-dir <dir>');
  });

  it('a bad --budget is refused by its option declaration, before anything opens', async () => {
    const r = await aos(['--budget', '0', '--run', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^aos-ts: option '--budget <instructions>' argument '0' is invalid\. --budget must be a positive whole number\./);
  });
});
