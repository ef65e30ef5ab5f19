// Each Eval the CLI sends to a local process names its chunk (the Chunk-Name
// tag, an aos-ts extension the process's eval honours), so an error raised
// later by a function it defined says which Eval it was. The source of that
// Eval is the Data of the logged message with that chunk name: the log keeps
// every Eval, so the line can be shown in any later run.
import type { Connection } from '../connection.js';
import type { AoResult } from '../engine/types.js';
import type { ProcessRecord } from '../local/records.js';
import type { EvalSource } from '../text/lua-error.js';

/** A chunk name for an Eval sent now: `run 01:55:03.042` (the time it ran, to the millisecond). */
export function runChunkName(now = new Date()): string {
  // To the millisecond: two runs in one second must not share a name, or an error in a
  // function the first defined would be shown against the second's lines.
  return `run ${now.toTimeString().slice(0, 8)}.${String(now.getMilliseconds()).padStart(3, '0')}`;
}

/** An Eval under a chunk name: local processes get the name; remote ones run aos, which names every chunk "aos". */
export function evalNamed(conn: Connection, code: string, chunk: string): Promise<AoResult> {
  if (conn.info().network !== 'local') return conn.eval(code);
  return conn.send({ Tags: [{ name: 'Action', value: 'Eval' }, { name: 'Chunk-Name', value: chunk }], Data: code });
}

/** Finds the newest logged Eval with a chunk name, read from the log once, on the first question. */
export function sourcesFromLog(records: () => Iterable<ProcessRecord>): (chunk: string) => EvalSource | undefined {
  const build = (): Map<string, string> => {
    const byName = new Map<string, string>();
    try {
      for (const r of records()) {
        if (r.kind !== 'message' || r.result.Error !== undefined) continue;
        const tags = r.msg.Tags ?? [];
        if (!tags.some((t) => t.name === 'Action' && t.value === 'Eval')) continue;
        const name = tags.find((t) => t.name === 'Chunk-Name')?.value;
        if (name !== undefined && typeof r.msg.Data === 'string') byName.set(name, r.msg.Data);
      }
    } catch {
      // an unreadable log only means no source line is shown
    }
    return byName;
  };
  let byName: Map<string, string> | undefined;
  return (chunk) => {
    byName ??= build();
    let source = byName.get(chunk);
    // An input of another shell or run (`input 2 @02:51:07`) that the last read did not see: the
    // log may have grown since, or that read met a record being written; read it again once.
    if (source === undefined && / @\d\d:\d\d:\d\d(\.\d+)?$/.test(chunk)) {
      byName = build();
      source = byName.get(chunk);
    }
    return source === undefined ? undefined : withBundleMap({ chunk, source });
  };
}

/** A .load bundle carries its line map: lines of it point into the files. */
export function withBundleMap(src: EvalSource): EvalSource {
  if (src.locate) return src;
  const marker = src.source.lastIndexOf('\n-- aos-ts bundle map: ');
  if (marker < 0) return src;
  let map: import('../bundle/line-map.js').LineMap | undefined;
  return {
    ...src,
    locate: (line) => {
      map ??= mapOf(src.source);
      const at = map?.locate(line);
      return at && { file: at.file, line: at.line, text: src.source.split('\n')[line - 1] };
    },
  };
}

let mapOf: (source: string) => import('../bundle/line-map.js').LineMap | undefined = () => undefined;
/** Loaded with the bundler (which the CLI imports anyway when it loads or explains a bundle). */
export async function loadBundleMaps(): Promise<void> {
  const { mapOfBundle } = await import('../bundle/emit.js');
  mapOf = mapOfBundle;
}
