// Cron intervals as aos spells them ("10-seconds", "1-minute", "2-blocks")
// and the tick messages a compute unit makes for them.
import type { AoMessage, Tag } from '../engine/types.js';
import { blockHeightAt, type ProcessMeta } from './process-meta.js';

/** Ticks missed while no aos-ts had the process open that are delivered on reopen; older ones are skipped. */
export const MAX_MISSED_TICKS = 100;

const UNIT_MS: Record<string, number> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  month: 30 * 86_400_000,
  year: 365 * 86_400_000,
  block: 120_000,
};

/** Milliseconds between ticks, or an error that says what is accepted. */
export function parseCronInterval(text: string): number {
  const m = /^(\d+)-([a-z]+?)s?$/i.exec(text.trim());
  const unit = m ? UNIT_MS[m[2]!.toLowerCase()] : undefined;
  const n = m ? Number(m[1]) : 0;
  if (!m || unit === undefined || n <= 0) {
    throw new Error(
      `"${text}" is not an interval. Use <count>-<unit>, e.g. 10-seconds, 1-minute, 5-minutes, 1-hour ` +
        `(units: ${Object.keys(UNIT_MS).join(', ')}).`,
    );
  }
  return n * unit;
}

/** The tags a tick carries: the process's Cron-Tag-* tags without the prefix (usually Action=Cron). */
export function cronTags(meta: ProcessMeta): Tag[] {
  const tags = meta.tags
    .filter((t) => t.name.startsWith('Cron-Tag-'))
    .map((t) => ({ name: t.name.slice('Cron-Tag-'.length), value: t.value }));
  return tags.length > 0 ? tags : [{ name: 'Action', value: 'Cron' }];
}

export function cronMessage(meta: ProcessMeta, timestamp: number): AoMessage {
  return {
    From: meta.signer,
    Owner: meta.signer,
    Target: meta.id,
    Tags: cronTags(meta),
    Timestamp: timestamp,
    'Block-Height': blockHeightAt(timestamp),
    Cron: true,
  };
}

/**
 * The tick times due after `last` up to `now`: at most MAX_MISSED_TICKS, the
 * newest ones, and how many older ones were skipped.
 */
export function dueTicks(last: number, intervalMs: number, now: number): { times: number[]; skipped: number } {
  const total = Math.floor((now - last) / intervalMs);
  if (total <= 0) return { times: [], skipped: 0 };
  const skipped = Math.max(0, total - MAX_MISSED_TICKS);
  const times: number[] = [];
  for (let k = skipped + 1; k <= total; k++) times.push(last + k * intervalMs);
  return { times, skipped };
}

/** What a ticker needs of a process: its meta and the time of its last tick. */
interface Ticking {
  readonly id: string;
  readonly name: string;
  readonly meta: ProcessMeta;
  lastCronAt?: number;
}

/**
 * Cron for the processes this program has open: `catchUp` delivers the ticks
 * missed while a process was closed (at most MAX_MISSED_TICKS, the newest);
 * `start` keeps ticking while it stays open. Nothing ticks unless asked.
 */
export class CronTicker {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly deps: {
      now(): number;
      notice(text: string): void;
      /** Queue one tick for delivery. */
      deliver(target: string, msg: AoMessage): void;
    },
  ) {}

  private interval(proc: Ticking): number | undefined {
    return proc.meta.cron ? parseCronInterval(proc.meta.cron) : undefined;
  }

  /** Deliver every tick due up to now. */
  catchUp(proc: Ticking): void {
    const interval = this.interval(proc);
    if (!interval) return;
    const { times, skipped } = dueTicks(proc.lastCronAt ?? proc.meta.createdAt, interval, this.deps.now());
    if (skipped > 0) {
      this.deps.notice(`${proc.name}: ${skipped} cron ticks missed while it was closed were skipped; delivering the last ${times.length}`);
    }
    for (const t of times) {
      proc.lastCronAt = t;
      this.deps.deliver(proc.id, cronMessage(proc.meta, t));
    }
  }

  /** Keep delivering ticks as they fall due, until stop(). */
  start(proc: Ticking): void {
    const interval = this.interval(proc);
    if (!interval || this.timers.has(proc.id)) return;
    const timer = setInterval(() => this.catchUp(proc), Math.min(interval, 1000));
    timer.unref();
    this.timers.set(proc.id, timer);
  }

  stop(): void {
    for (const t of this.timers.values()) clearInterval(t);
    this.timers.clear();
  }

  /** No more ticks for this process (it was closed). */
  forget(id: string): void {
    clearInterval(this.timers.get(id));
    this.timers.delete(id);
  }
}
