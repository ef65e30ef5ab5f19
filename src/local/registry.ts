// The registry of local processes: which processes a data folder holds, and
// how a name or id finds one. Reads process folders only; opens nothing.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir } from './fsync.js';
import { isId } from './ids.js';
import { inspectProcessFolder, type ProcessMeta, type ProcessMetaError } from './process-meta.js';

export class ProcessRegistry {
  constructor(
    readonly dataDir: string,
    private readonly onNotice: (text: string) => void = () => {},
  ) {
    ensureDir(this.processesDir);
  }

  get processesDir(): string {
    return join(this.dataDir, 'processes');
  }

  dirOf(id: string): string {
    return join(this.processesDir, id);
  }

  /** Every local process, oldest first; damaged folders are named in a notice. */
  list(): ProcessMeta[] {
    const { metas, damaged } = this.scanFolders();
    for (const d of damaged) this.onNotice(d.message);
    return metas;
  }

  /** Process folders whose process.json is missing or damaged: never replaced by a new process of the same name. */
  damaged(): ProcessMetaError[] {
    return this.scanFolders().damaged;
  }

  private scanFolders(): { metas: ProcessMeta[]; damaged: ProcessMetaError[] } {
    const metas: ProcessMeta[] = [];
    const damaged: ProcessMetaError[] = [];
    for (const entry of readdirSync(this.processesDir)) {
      if (!isId(entry)) continue;
      const seen = inspectProcessFolder(join(this.processesDir, entry));
      if (seen.state === 'process') metas.push(seen.meta);
      else if (seen.state === 'damaged') damaged.push(seen.error);
    }
    return { metas: metas.sort((a, b) => a.createdAt - b.createdAt), damaged };
  }

  /** The id of the process with this id or name; an error when a name is ambiguous or names a damaged process. */
  resolve(nameOrId: string): string | undefined {
    if (isId(nameOrId) && this.isLocal(nameOrId)) return nameOrId;
    const folders = this.scanFolders();
    let matches = folders.metas.filter((m) => m.name === nameOrId);
    if (matches.length === 0) {
      // A damaged process of that name (or id) is still that process: say so rather than make a new one.
      const hit = folders.damaged.find((e) => e.processName === nameOrId || e.dir === this.dirOf(nameOrId));
      if (hit) throw hit;
    }
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
