// Writes the graph as one Lua chunk. Each module becomes a function that is
// called once, and its value is stored in package.loaded under every name it
// was required by, before the modules that need it run. Module bodies are
// copied line for line, so a LineMap can point back into them. The entry
// file comes last, at top level, as if it had been sent alone.
import { BundleError } from './bundle-error.js';
import { LineMap, type Segment } from './line-map.js';
import type { ModuleNode } from './graph.js';

export interface Emitted {
  source: string;
  map: LineMap;
}

/** A "#!" first line is skipped by Lua only at the start of a chunk: comment it out, keeping the line count. */
function bodyLines(source: string): string[] {
  const lines = source.split('\n');
  if (lines[0]?.startsWith('#')) lines[0] = `--${lines[0]}`;
  return lines;
}

function luaString(s: string): string {
  return JSON.stringify(s); // ASCII-safe and Lua-compatible for module names and paths
}

export function emitBundle(modules: ModuleNode[], show: (path: string) => string): Emitted {
  const out: string[] = [];
  const segments: Segment[] = [];
  const entry = modules[modules.length - 1]!;
  out.push(`-- aos-ts .load bundle of ${show(entry.path).replace(/\n/g, ' ')}: ${modules.length} file(s)`);
  for (const mod of modules.slice(0, -1)) {
    const [first] = mod.names;
    if (first === undefined) throw new BundleError('cycle', `internal: module ${show(mod.path)} has no name`);
    out.push(`-- module ${luaString(first)} from ${show(mod.path).replace(/\n/g, ' ')}`);
    out.push('do');
    out.push('local __aos_module = function(...)');
    const body = bodyLines(mod.source);
    segments.push({ file: show(mod.path), start: out.length + 1, lines: body.length });
    out.push(...body);
    out.push('end');
    // As require does: the value is the module's, or true when it returns nothing.
    out.push(`local __aos_value = __aos_module(${luaString(first)})`);
    out.push('if __aos_value == nil then __aos_value = true end');
    for (const name of mod.names) out.push(`package.loaded[${luaString(name)}] = __aos_value`);
    out.push('end');
  }
  const body = bodyLines(entry.source);
  segments.push({ file: show(entry.path), start: out.length + 1, lines: body.length });
  out.push(...body);
  // The map travels with the bundle (a last comment line, after the entry's
  // lines), so an error raised later by code it defined maps back to the files.
  out.push(`${MAP_MARK}${JSON.stringify(segments)}`);
  return { source: out.join('\n'), map: new LineMap(segments) };
}

const MAP_MARK = '-- aos-ts bundle map: ';

/** The line map a bundle carries (its last line), or undefined for Lua that is not a bundle. */
export function mapOfBundle(source: string): LineMap | undefined {
  const at = source.lastIndexOf(`\n${MAP_MARK}`);
  if (at < 0) return undefined;
  try {
    const segments = JSON.parse(source.slice(at + 1 + MAP_MARK.length)) as Segment[];
    if (!Array.isArray(segments) || !segments.every((s) => typeof s.file === 'string' && Number.isInteger(s.start) && Number.isInteger(s.lines))) return undefined;
    return new LineMap(segments);
  } catch {
    return undefined;
  }
}
