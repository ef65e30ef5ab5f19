// `.load --watch`: bundle again whenever a bundled file changes. Folders are
// watched rather than files, because editors often save by replacing the file
// (a new inode a file watch would miss). Bursts of events are debounced, and
// a bundle identical to the last one is not reported.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { bundleLua, type Bundle, type BundleOptions } from './bundle.js';
import { expandPath } from './resolve.js';

export interface WatchOptions extends BundleOptions {
  /** Quiet time after the last change before bundling again (default 150 ms). */
  debounceMs?: number;
  /** Also report the first bundle right away (default false). */
  initial?: boolean;
}

export interface BundleWatcher {
  /** The files being watched now (they change as requires change). */
  readonly files: readonly string[];
  close(): void;
}

/**
 * Call `onBundle` with a fresh bundle after bundled files change, or `onError`
 * when bundling fails (say, a syntax slip mid-edit); watching goes on either way.
 */
export function watchBundle(
  entryFile: string,
  onBundle: (bundle: Bundle) => void,
  onError: (err: Error) => void,
  opts: WatchOptions = {},
): BundleWatcher {
  const entry = expandPath(entryFile, opts.cwd);
  const debounceMs = opts.debounceMs ?? 150;
  let files: string[] = [entry];
  let lastSource: string | undefined;
  let failed = false;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const watchers = new Map<string, FSWatcher>();

  const rewatch = (): void => {
    const dirs = new Set(files.map((f) => dirname(f)));
    for (const [dir, w] of watchers) {
      if (!dirs.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      try {
        const w = watch(dir, (_event, name) => onEvent(dir, name));
        w.on('error', () => undefined); // a folder that vanished: the next bundle says what is missing
        watchers.set(dir, w);
      } catch {
        // The folder does not exist (yet): the bundle error already says so.
      }
    }
  };

  const onEvent = (dir: string, name: string | Buffer | null): void => {
    const file = name ? join(dir, name.toString()) : undefined;
    // After a failure any .lua change may be the fix (a module created, say).
    const relevant = file === undefined || files.includes(file) || (failed && basename(file).endsWith('.lua'));
    if (!relevant || closed) return;
    clearTimeout(timer);
    timer = setTimeout(run, debounceMs);
  };

  const run = (report = true): void => {
    if (closed) return;
    try {
      const bundle = bundleLua(entry, opts);
      files = bundle.files;
      failed = false;
      rewatch();
      if (report && bundle.source !== lastSource) onBundle(bundle);
      lastSource = bundle.source;
    } catch (err) {
      failed = true;
      rewatch();
      if (report) onError(err as Error);
    }
  };

  run(opts.initial ?? false);
  return {
    get files() {
      return files;
    },
    close() {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
