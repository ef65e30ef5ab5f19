// Recovery of outboxes after a crash. Each process folder keeps a cursor, the
// last seq whose outbox is known to be delivered (durable at its targets).
// Records after it may have sent messages, spawned processes or assigned
// messages that a crash kept from being delivered: they are routed again when
// the process is opened, and targets drop what they already have.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalProcess } from './local-process.js';
import { Cascade, type Delivery, type Scheduler } from './scheduler.js';

const OUTBOX_STATE = 'outbox.json';

/**
 * Every outbox up to the given seq is delivered. A plain write is enough: it
 * only has to survive the program being killed, and a stale cursor just
 * means a redelivery that targets drop.
 */
export function markDelivered(procs: Map<LocalProcess, number>, notice: (text: string) => void): void {
  for (const [p, through] of procs) {
    try {
      writeFileSync(join(p.dir, OUTBOX_STATE), JSON.stringify({ through }));
    } catch (err) {
      notice(`could not record delivery progress of ${p.name}: ${(err as Error).message}`);
    }
  }
}

export function deliveredThrough(proc: LocalProcess): number {
  try {
    return (JSON.parse(readFileSync(join(proc.dir, OUTBOX_STATE), 'utf8')) as { through: number }).through;
  } catch {
    return 0;
  }
}

/** Route again every outbox after the cursor; the cursor moves once all of it is delivered. */
export async function redeliverOutbox(proc: LocalProcess, scheduler: Scheduler, notice: (text: string) => void): Promise<void> {
  const through = deliveredThrough(proc);
  if (through >= proc.lastSeq) return;
  const cascade = new Cascade(false);
  cascade.outstanding += 1; // held until everything is queued
  for (const rec of proc.records(through + 1)) {
    if (rec.kind !== 'message' || rec.result.Error !== undefined) continue;
    const delivery: Delivery = { process: proc.id, processName: proc.name, seq: rec.seq, msg: rec.msg, result: rec.result };
    await scheduler.rerouteOutbox(delivery, cascade);
  }
  const lastSeq = proc.lastSeq;
  // Not awaited: opening may happen inside a delivery, which must end first.
  void cascade.done.then(() => markDelivered(new Map([[proc, lastSeq]]), notice));
  scheduler.finish(cascade);
}
