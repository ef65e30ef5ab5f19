// aos's flags on the main command: --dry-run with --run, --get-blueprints.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aos } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir, tempDir } from '../helpers/temp.js';

afterEach(() => removeTempDirs());

describe('--dry-run', () => {
  it('evaluates --run against the current state and keeps nothing', async () => {
    const dataDir = tempDataDir();
    await aos(['--run', 'X = 1'], { dataDir });
    const dry = await aos(['--dry-run', '--run', 'X = X + 41 return X'], { dataDir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe('42\n');
    expect((await aos(['--run', 'return X'], { dataDir })).stdout).toBe('1\n');
  });

  it('without --run is refused with a hint', async () => {
    const r = await aos(['--dry-run'], { dataDir: tempDataDir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--dry-run goes with --run/);
  });
});

describe('--get-blueprints', () => {
  it('copies the blueprints into the folder given', async () => {
    const dir = join(tempDir(), 'bp');
    const r = await aos(['--get-blueprints', dir], { dataDir: tempDataDir() });
    expect(r.code).toBe(0);
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir)).toContain('token.lua');
  });
});

describe("aos's spawn flags on the main command", () => {
  it('--tag-name/--tag-value and --cron apply to a process created now', async () => {
    const dataDir = tempDataDir();
    const r = await aos(['p', '--tag-name', 'Color', '--tag-value', 'blue', '--cron', '1-minute', '--run', 'return ao.env.Process.Tags.Color'], { dataDir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('blue\n');
    expect(r.stderr).toMatch(/created local process "p" .* with cron 1-minute/);
    const list = JSON.parse((await aos(['list', '--json'], { dataDir })).stdout) as { name: string; cron: string | null }[];
    expect(list.find((e) => e.name === 'p')!.cron).toBe('1-minute');
  });

  it('are refused for a process that exists, and unpaired tags are refused', async () => {
    const dataDir = tempDataDir();
    await aos(['p', '--run', '1'], { dataDir });
    const again = await aos(['p', '--tag-name', 'A', '--tag-value', 'b', '--run', '1'], { dataDir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/"p" exists already/);
    const unpaired = await aos(['q', '--tag-name', 'A', '--run', '1'], { dataDir });
    expect(unpaired.code).toBe(1);
    expect(unpaired.stderr).toMatch(/1 --tag-name but 0 --tag-value/);
  });
});
