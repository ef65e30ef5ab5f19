// A process published through a local node (aos-ts serve on the same data
// folder) leaves its published copy here too (issue 15 item 11): list marks
// it, and opening its id goes to where it was published, not the local lock.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { ListEntry } from '../../src/cli/list.js';
import { aos } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir, tempDir } from '../helpers/temp.js';

afterEach(() => removeTempDirs());

/** Make `copy` look like the published copy of `original` on a local node at `url` (what publish through serve leaves). */
function markPublished(dataDir: string, originalId: string, copyId: string, url: string): void {
  const file = (id: string) => join(dataDir, 'processes', id, 'process.json');
  const original = JSON.parse(readFileSync(file(originalId), 'utf8'));
  original.remote = { id: copyId, network: `mainnet ${url}`, mode: 'mainnet', url, seq: 1 };
  writeFileSync(file(originalId), JSON.stringify(original));
  const copy = JSON.parse(readFileSync(file(copyId), 'utf8'));
  copy.name = original.name;
  writeFileSync(file(copyId), JSON.stringify(copy));
}

it('list marks the published copy; opening its id goes to the node it was published on', async () => {
  const dataDir = tempDataDir();
  const original = (await aos(['spawn', 'pubme', '--json'], { dataDir }));
  const copy = (await aos(['spawn', 'pubme2', '--json'], { dataDir }));
  const originalId = JSON.parse(original.stdout).id as string;
  const copyId = JSON.parse(copy.stdout).id as string;
  markPublished(dataDir, originalId, copyId, 'http://127.0.0.1:9');

  const listed = JSON.parse((await aos(['list', '--json'], { dataDir })).stdout) as ListEntry[];
  expect(listed.find((e) => e.id === copyId)).toMatchObject({ name: 'pubme', publishedCopyOf: 'pubme' });
  expect(listed.find((e) => e.id === originalId)).toMatchObject({ name: 'pubme', publishedAs: copyId, publishedCopyOf: null });
  const table = (await aos(['list'], { dataDir })).stdout;
  expect(table).toMatch(new RegExp(`${copyId}.*published copy of "pubme" \\(served by aos-ts serve\\)`));

  const env = { XDG_CONFIG_HOME: tempDir(), HOME: tempDir() };
  const r = await aos([copyId, '--wallet', join(tempDir(), 'w.json'), '--run', 'return 1'], { dataDir, env });
  expect(r.stderr).toContain(`${copyId} is the published copy of the local process "pubme": opening it on the node http://127.0.0.1:9.`);
  expect(r.stderr).not.toMatch(/aos\.lock/);
  // --local still opens the folder here
  expect((await aos([copyId, '--local', '--run', 'return 1 + 1'], { dataDir })).stdout).toBe('2\n');
});
