// The store's failures as a person sees them in the CLI (dist/cli.js: run `npm run build` first):
// one or two lines that name the file and what to do, exit 1, never a stack trace.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aosChild as aosTs, type CliRun } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir } from '../helpers/local.js';
import { fillDisk, tinyDisk } from './disk.js';

afterAll(() => removeTempDirs());

function expectCleanError(r: CliRun, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.trim().split('\n');
  const error = lines.filter((l) => l.startsWith('aos-ts: '));
  expect(error, r.stderr).toHaveLength(1);
  expect(error[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack frames
  expect(r.stderr).not.toMatch(/node:internal|Node\.js v\d/);
}

const onlyProcess = (dataDir: string) => {
  const ids = fs.readdirSync(path.join(dataDir, 'processes'));
  expect(ids).toHaveLength(1);
  return path.join(dataDir, 'processes', ids[0]!);
};

describe('store errors in the CLI', () => {
  it('--data-dir where no folder can be made: a clear error, not an endless loop', () => {
    const r = aosTs(['--data-dir', '/proc/self', '-r', '1 + 1'], { dataDir: tempDataDir() });
    expectCleanError(r, /^aos-ts: cannot make the folder \/proc\/self\/processes: .* Choose another --data-dir\.$/);
  });

  it('--memory past what 32-bit WebAssembly can hold is refused', () => {
    const r = aosTs(['--memory', '6000', '-r', '1 + 1'], { dataDir: tempDataDir() });
    expectCleanError(r, /--memory 6000 is more than a process can have: .*2 GiB/);
    expect(r.stderr).not.toMatch(/Cannot enlarge memory/);
  });

  it('a damaged process.json, a garbage identity.json and a folder where aos.lock goes each name the file', () => {
    const dataDir = tempDataDir();
    expect(aosTs(['-r', 'Mine = 7'], { dataDir }).code).toBe(0);
    const dir = onlyProcess(dataDir);
    const meta = fs.readFileSync(path.join(dir, 'process.json'));

    fs.writeFileSync(path.join(dir, 'process.json'), 'null');
    expectCleanError(aosTs(['-r', 'return Mine'], { dataDir }), /process\.json holds null instead of a process description, so process "default"/);
    onlyProcess(dataDir); // no second "default" was made
    fs.writeFileSync(path.join(dir, 'process.json'), meta);

    fs.mkdirSync(path.join(dir, 'aos.lock'));
    expectCleanError(aosTs(['-r', 'return Mine'], { dataDir }), new RegExp(`${path.join(dir, 'aos.lock')} is a folder, where aos-ts keeps a lock file\\. Remove it`));
    fs.rmdirSync(path.join(dir, 'aos.lock'));

    const identity = path.join(dataDir, 'identity.json');
    const saved = fs.readFileSync(identity);
    fs.writeFileSync(identity, '{"address": 12');
    expectCleanError(aosTs(['-r', 'return Mine'], { dataDir }), new RegExp(`^aos-ts: ${identity} is not a valid aos-ts identity file`));
    fs.writeFileSync(identity, saved);

    const ok = aosTs(['-r', 'return Mine'], { dataDir });
    expect(ok.stdout.trim()).toBe('7');
  }, 120_000);

  const disk = tinyDisk(8 * 1024);
  it.skipIf(!disk)('a full disk (tmpfs) during an Eval: a clear error, and nothing acknowledged lost once space is freed', () => {
    try {
      const dataDir = path.join(disk!.dir, 'data');
      expect(aosTs(['-r', 'Mine = 1'], { dataDir }).code).toBe(0);
      const filler = fillDisk(disk!.dir, 8192);
      const big = `X = "${'y'.repeat(100_000)}"`;
      const r = aosTs(['-r', big], { dataDir });
      expectCleanError(r, /^aos-ts: the disk is full: could not write .*\/log\/000000000001\.seg\. Free some space and try again; nothing acknowledged was lost\.$/);
      fs.rmSync(filler);
      const after = aosTs(['-r', 'return tostring(Mine) .. " " .. tostring(X)'], { dataDir });
      expect(after.code, after.stderr).toBe(0);
      expect(after.stdout.trim()).toBe('1 nil');
    } finally {
      disk!.unmount();
    }
  }, 120_000);
});
