// Maps lines of a bundle back to the files they came from, so an error in
// loaded code names the file the user wrote, not line 412 of "aos".

export interface Segment {
  file: string;
  /** First bundle line (1-based) holding line 1 of `file`. */
  start: number;
  /** How many lines of `file` follow from `start`. */
  lines: number;
}

export interface SourceLocation {
  file: string;
  line: number;
}

export class LineMap {
  constructor(readonly segments: readonly Segment[]) {}

  /** The file and line a bundle line came from; undefined for the bundler's own glue lines. */
  locate(bundleLine: number): SourceLocation | undefined {
    for (const s of this.segments) {
      if (bundleLine >= s.start && bundleLine < s.start + s.lines) return { file: s.file, line: bundleLine - s.start + 1 };
    }
    return undefined;
  }
}

/** A chunk name as Lua prints it: `[string "aos"]` for the Eval chunk. */
const AOS_CHUNK = /\[string "aos"\]:(\d+)(?=[:>])/g;

/**
 * Rewrite every `[string "aos"]:N:` in an error text (the message and its
 * traceback lines) into `file.lua:line:`. Lines the map does not know (glue)
 * are left as they are.
 */
export function mapLuaError(text: string, map: LineMap): string {
  return text.replace(AOS_CHUNK, (whole, n: string) => {
    const at = map.locate(Number(n));
    return at ? `${at.file}:${at.line}` : whole;
  });
}
