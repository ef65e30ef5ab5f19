// Small files under <data dir>/remote/: the name → id cache and the live-feed
// cursor of each remote process (so a restart resumes where it stopped).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function readJson<T>(path: string, fallback: T): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return fallback;
  }
}

/** Write through a temporary file and a rename, so a crash never leaves half a file. */
function writeJson(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

export class RemoteStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'remote');
  }

  private ensure(sub?: string): string {
    const d = sub ? join(this.dir, sub) : this.dir;
    mkdirSync(d, { recursive: true });
    return d;
  }

  private get namesFile(): string {
    return join(this.dir, 'processes.json');
  }

  /** The id remembered for a name (per network and wallet). */
  cachedId(network: string, owner: string, name: string): string | undefined {
    const all = readJson<Record<string, { id: string }>>(this.namesFile, {});
    return all[`${network}|${owner}|${name}`]?.id;
  }

  remember(network: string, owner: string, name: string, id: string): void {
    this.ensure();
    const all = readJson<Record<string, { id: string; at: string }>>(this.namesFile, {});
    all[`${network}|${owner}|${name}`] = { id, at: new Date().toISOString() };
    writeJson(this.namesFile, all);
  }

  private cursorFile(network: string, pid: string): string {
    const key = createHash('sha256').update(`${network}|${pid}`).digest('hex').slice(0, 20);
    return join(this.dir, 'live', `${pid}-${key}.json`);
  }

  cursor(network: string, pid: string): string | undefined {
    const saved = readJson<{ cursor?: unknown }>(this.cursorFile(network, pid), {});
    return typeof saved.cursor === 'string' ? saved.cursor : undefined;
  }

  saveCursor(network: string, pid: string, cursor: string): void {
    this.ensure('live');
    writeJson(this.cursorFile(network, pid), { network, process: pid, cursor, at: new Date().toISOString() });
  }

  historyFile(pid: string): string {
    return join(this.ensure('history'), `${pid}.json`);
  }
}
