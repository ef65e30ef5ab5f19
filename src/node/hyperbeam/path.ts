// HyperBEAM path syntax (AO-Core "pathing"), as pure functions: a request
// path and query string become a base and a list of steps. Segments are split
// on `/` (not inside parentheses or quotes); a segment is `key`,
// `key&k=v&flag`, `key~dev@ver`, `~dev@ver`, a 43-character id (optionally
// `id~dev@ver`), or `key=value` (shorthand for `key&key=value`). Keys are
// case-insensitive (lower-cased, ids excepted); `k+integer=1` and the other
// `+type` suffixes cast values; query keys are global (every step), `N.key`
// only step N.

export type Value = string | number | boolean | null | Value[] | { [k: string]: Value };

export interface Step {
  /** The key to run; '' for a `~dev@ver` segment that only sets the device. */
  key: string;
  /** A device to set on the previous result before running `key`. */
  device?: string;
  /** Inline keys of this segment, then global ones (inline win). */
  params: Record<string, Value>;
  /** Set when the segment is a 43-character id: load that message. */
  id?: string;
}

export interface ParsedPath {
  steps: Step[];
  /** Query-string keys (cast, lower-cased), merged into every step. */
  global: Record<string, Value>;
}

export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathError';
  }
}

const ID = /^[A-Za-z0-9_-]{43}$/;
export const MAX_SEGMENT = 512;

export function isId(s: string): boolean {
  return ID.test(s);
}

/** Message keys are lower case, except ids. */
export function normalizeKey(key: string): string {
  return isId(key) ? key : key.toLowerCase();
}

/** Split on `/`, keeping `/` inside `(...)` and `"..."`; empty segments dropped. */
export function splitSegments(path: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (const c of path) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth = Math.max(0, depth - 1);
    if (c === '/' && depth === 0 && !quoted) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (quoted || depth > 0) throw new PathError(`unbalanced ${quoted ? 'quote' : 'parenthesis'} in the path`);
  if (cur !== '') out.push(cur);
  for (const s of out) if (s.length > MAX_SEGMENT) throw new PathError(`a path segment is longer than ${MAX_SEGMENT} bytes`);
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new PathError(`"${s.slice(0, 60)}" is not valid percent-encoding (UTF-8)`);
  }
}

/** Split on `&` outside quotes. */
function splitAmp(s: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let cur = '';
  for (const c of s) {
    if (c === '"') quoted = !quoted;
    if (c === '&' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

/** `name+type` (or `name type`, as some encoders turn `+` into a space) → [name, type]. */
export function splitTyped(name: string): [string, string | undefined] {
  const m = /^(.*?)[+ ]([A-Za-z]+)$/.exec(name);
  return m ? [m[1]!, m[2]!.toLowerCase()] : [name, undefined];
}

/** An RFC 8941-ish bare item: "string", integer, decimal, ?1/?0 boolean, token. */
function sfItem(raw: string): Value {
  const s = raw.trim();
  const typed = /^"\(ao-type-([a-z-]+)\) (.*)"$/.exec(s);
  if (typed) return castValue(typed[1]!, typed[2]!);
  if (s.startsWith('"')) {
    if (!s.endsWith('"') || s.length < 2) throw new PathError(`unterminated string ${s.slice(0, 40)}`);
    return s.slice(1, -1).replace(/\\(["\\])/g, '$1');
  }
  if (/^-?\d+$/.test(s)) return Number(s);
  if (/^-?\d+\.\d+$/.test(s)) return Number(s);
  if (s === '?1') return true;
  if (s === '?0') return false;
  if (/^[A-Za-z*][A-Za-z0-9_\-.:%*/]*$/.test(s)) return s;
  throw new PathError(`"${s.slice(0, 40)}" is not a structured-field item (quote strings: "text")`);
}

function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"' && s[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    if (c === sep && !quoted && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur.trim() !== '' || out.length > 0) out.push(cur);
  return out;
}

/** Cast a value written `key+<type>=<raw>`. */
export function castValue(type: string, raw: string): Value {
  switch (type.toLowerCase()) {
    case 'integer': {
      const s = raw.trim();
      if (!/^-?\d{1,15}$/.test(s)) throw new PathError(`"${raw.slice(0, 40)}" is not an integer`);
      return Number(s);
    }
    case 'float': {
      const s = raw.trim();
      if (!/^-?\d+\.\d+([eE][-+]?\d+)?$/.test(s)) throw new PathError(`"${raw.slice(0, 40)}" is not a float (write it with a dot: 1.0)`);
      return Number(s);
    }
    case 'atom': {
      const s = unquote(raw.trim());
      if (s === 'true') return true;
      if (s === 'false') return false;
      if (s === 'null' || s === 'undefined') return null;
      return s;
    }
    case 'list':
      return raw.trim() === '' ? [] : splitTop(raw, ',').map(sfItem);
    case 'map': {
      const out: Record<string, Value> = {};
      for (const part of raw.trim() === '' ? [] : splitTop(raw, ';').flatMap((p) => splitTop(p, ','))) {
        const at = part.indexOf('=');
        const k = (at < 0 ? part : part.slice(0, at)).trim();
        if (k === '') continue;
        out[normalizeKey(k)] = at < 0 ? true : sfItem(part.slice(at + 1));
      }
      return out;
    }
    case 'binary':
    case 'string':
      return unquote(raw);
    case 'empty-list':
      return [];
    case 'empty-message':
      return {};
    case 'empty-binary':
      return '';
    default:
      throw new PathError(`unknown type "+${type}" (known: integer, float, atom, list, map, binary)`);
  }
}

/** One `k=v` / `k+type=v` / bare `k` pair into `into`. */
function setPair(into: Record<string, Value>, pair: string): void {
  if (pair === '') return;
  const at = pair.indexOf('=');
  const rawName = at < 0 ? pair : pair.slice(0, at);
  const [name, type] = splitTyped(rawName);
  if (name === '') throw new PathError(`"${pair.slice(0, 40)}" has no key name`);
  if (at < 0) {
    into[normalizeKey(name)] = true;
    return;
  }
  const raw = pair.slice(at + 1);
  into[normalizeKey(name)] = type ? castValue(type, raw) : unquote(raw);
}

/** One decoded path segment as a step. */
export function parseSegment(segment: string): Step {
  if (segment.startsWith('(') && segment.endsWith(')')) {
    throw new PathError('nested paths "(...)" are not served by aos-ts serve');
  }
  const [head, ...pairs] = splitAmp(segment);
  const params: Record<string, Value> = {};
  for (const p of pairs) setPair(params, p);
  let key = head!;
  let device: string | undefined;
  const tilde = key.indexOf('~');
  if (tilde >= 0) {
    device = key.slice(tilde + 1);
    key = key.slice(0, tilde);
    if (!/^[a-z0-9-]+@[0-9][0-9a-z.]*$/i.test(device)) throw new PathError(`"~${device.slice(0, 40)}" is not a device (write ~name@version, e.g. ~json@1.0)`);
    device = device.toLowerCase();
  }
  if (isId(key)) return { key: '', id: key, device, params };
  // `key=value` as a whole segment: the step carries key = value.
  const eq = key.indexOf('=');
  if (eq > 0) {
    const pair = key;
    const [name] = splitTyped(pair.slice(0, eq));
    setPair(params, pair);
    key = name;
  }
  return { key: normalizeKey(key), device, params };
}

/** Parse a path (as sent, percent-encoded) and its query string. */
export function parsePath(rawPath: string, rawQuery = ''): ParsedPath {
  const segments = splitSegments(rawPath).map(decode);
  const steps = segments.map(parseSegment);
  const global: Record<string, Value> = {};
  const scoped: [number, string, Value][] = [];
  for (const pair of rawQuery === '' ? [] : rawQuery.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    // `+` in a query means a space, but `k+integer=1` is a typed key: keep `+` in names.
    const name = decode(at < 0 ? pair : pair.slice(0, at));
    const value = at < 0 ? undefined : decode(pair.slice(at + 1).replace(/\+/g, ' '));
    const one: Record<string, Value> = {};
    setPair(one, value === undefined ? name : `${name}=${value}`);
    const [k, v] = Object.entries(one)[0]!;
    const scopedKey = /^(\d+)\.(.+)$/.exec(k);
    if (scopedKey) scoped.push([Number(scopedKey[1]), scopedKey[2]!, v]);
    else global[k] = v;
  }
  for (const [i, k, v] of scoped) {
    const step = steps[i - 1];
    if (step) step.params[k] = v;
  }
  for (const step of steps) for (const [k, v] of Object.entries(global)) if (!(k in step.params)) step.params[k] = v;
  return { steps, global };
}

/** A key of a message, found case-insensitively; private (`priv…`) keys are never found. */
export function getKey(msg: Record<string, unknown>, key: string): { found: boolean; value?: unknown } {
  if (key.toLowerCase().startsWith('priv')) return { found: false };
  // Lists are messages keyed 1, 2, ...
  if (Array.isArray(msg)) {
    const i = /^\d+$/.test(key) ? Number(key) - 1 : -1;
    return i >= 0 && i < msg.length ? { found: true, value: msg[i] } : { found: false };
  }
  if (Object.prototype.hasOwnProperty.call(msg, key)) return { found: true, value: msg[key] };
  const lower = key.toLowerCase();
  for (const k of Object.keys(msg)) if (k.toLowerCase() === lower) return { found: true, value: msg[k] };
  return { found: false };
}
