// The registry of local processes: which processes a data folder holds, and
// how a name or id finds one. Reads process folders only; opens nothing.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isId } from './ids.js';
import { readMeta, type ProcessMeta } from './process-meta.js';

export class ProcessRegistry {
  constructor(
    readonly dataDir: string,
    private readonly onNotice: (text: string) => void = () => {},
  ) {
    mkdirSync(this.processesDir, { recursive: true });
  }

  get processesDir(): string {
    return join(this.dataDir, 'processes');
  }

  dirOf(id: string): string {
    return join(this.processesDir, id);
  }

  /** Every local process, oldest first. */
  list(): ProcessMeta[] {
    const metas: ProcessMeta[] = [];
    for (const entry of readdirSync(this.processesDir)) {
      if (!isId(entry) || !existsSync(join(this.processesDir, entry, 'process.json'))) continue;
      try {
        metas.push(readMeta(join(this.processesDir, entry)));
      } catch (err) {
        this.onNotice((err as Error).message);
      }
    }
    return metas.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** The id of the process with this id or name; an error when a name is ambiguous. */
  resolve(nameOrId: string): string | undefined {
    if (isId(nameOrId) && this.isLocal(nameOrId)) return nameOrId;
    let matches = this.list().filter((m) => m.name === nameOrId);
    if (matches.length > 1) {
      // A process published to a local node (aos-ts serve on this data folder)
      // has a copy here under the same name: the name means the original.
      const published = new Set(matches.map((m) => m.remote?.id).filter((id): id is string => Boolean(id)));
      matches = matches.filter((m) => !published.has(m.id));
    }
    if (matches.length > 1) {
      throw new Error(
        `${matches.length} local processes are named "${nameOrId}": ${matches.map((m) => m.id).join(', ')}. Open one by its id.`,
      );
    }
    return matches[0]?.id;
  }

  isLocal(id: string): boolean {
    return isId(id) && existsSync(join(this.dirOf(id), 'process.json'));
  }
}
