// What the subcommands (spawn, send, list, inbox) share: option parsing,
// opening the local network, and naming processes. Kept free of heavy
// imports at load time; the network is imported when it is opened.
import type { Tag } from '../engine/types.js';
import type { LocalNetwork, NetworkOptions } from '../local/network.js';
import { resolveDataDir } from '../local/paths.js';
import { noticeWriter, UsageError } from './output.js';

export interface CommonOptions {
  dataDir?: string;
  json?: boolean;
  color?: boolean;
  quiet?: boolean;
}

/** `--tag name=value` strings as tags, in the order given. The value may contain `=`. */
export function parseTags(raw: string[] | undefined): Tag[] {
  return (raw ?? []).map((text) => {
    const at = text.indexOf('=');
    const name = at < 0 ? '' : text.slice(0, at).trim();
    if (at < 0 || name === '') {
      throw new UsageError(`--tag "${text}" is not name=value. Write it like --tag Recipient=abc (repeat --tag for more tags).`);
    }
    return { name, value: text.slice(at + 1) };
  });
}

/** Checks a --cron interval such as 10-seconds, 1-minute, 5-minutes, 1-hour (the local network's own rule). */
export async function parseCron(value: string): Promise<string> {
  const { parseCronInterval } = await import('../local/cron.js');
  try {
    parseCronInterval(value);
  } catch (err) {
    throw new UsageError(`--cron ${(err as Error).message}`);
  }
  return value.trim();
}

/** A whole number >= 1 from an option such as -n. */
export function parsePositive(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} "${value}" must be a whole number of 1 or more.`);
  return n;
}

export async function openNetwork(opts: CommonOptions, extra: Pick<NetworkOptions, 'cron'> = {}): Promise<LocalNetwork> {
  const { LocalNetwork } = await import('../local/network.js');
  return new LocalNetwork(resolveDataDir(opts.dataDir), { onNotice: noticeWriter(opts), ...extra });
}

/** The id of a local process by name or id, or a UsageError that says what to do. */
export function findProcess(network: LocalNetwork, nameOrId: string): string {
  const id = network.resolve(nameOrId);
  if (!id) {
    throw new UsageError(
      `no local process is named or has the id "${nameOrId}" (in ${network.dataDir}). ` +
        `Run \`aos-ts list\` to see your processes, or \`aos-ts spawn ${nameOrId}\` to create it.`,
    );
  }
  return id;
}

/** "3 minutes ago", "just now", "2 days ago" (or a date when older than a month). */
export function timeAgo(ms: number, now = Date.now()): string {
  const s = Math.round((now - ms) / 1000);
  if (s < 0) return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  if (s < 10) return 'just now';
  const units: [number, string][] = [
    [60, 'second'],
    [60, 'minute'],
    [24, 'hour'],
    [31, 'day'],
  ];
  let value = s;
  for (const [size, unit] of units) {
    if (value < size) return `${value} ${unit}${value === 1 ? '' : 's'} ago`;
    value = Math.floor(value / size);
  }
  return new Date(ms).toISOString().slice(0, 10);
}
