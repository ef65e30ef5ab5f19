// Mail from other programs: when another aos-ts program delivers to a process
// this one has open, the message lands in the process's mailbox file
// (mailbox.ts); here it is read and handed to the scheduler, and a process is
// only closed once its mailbox is quiet, under the lock senders append under.
import type { LocalProcess } from './local-process.js';
import { withShortLock } from './lock.js';
import { mailboxSize, readMailbox } from './mailbox.js';
import { Cascade, type Scheduler } from './scheduler.js';

export class MailReader {
  /** Processes whose mail is queued and not yet handled. */
  private readonly pending = new Set<string>();

  constructor(private readonly scheduler: Scheduler) {}

  /** Queue whatever arrived since the process last read its mailbox. */
  poll(proc: LocalProcess): void {
    if (mailboxSize(proc.dir) <= proc.mailboxOffset || this.pending.has(proc.id)) return;
    const items = readMailbox(proc.dir, proc.mailboxOffset);
    if (items.length === 0) return;
    this.pending.add(proc.id);
    const cascade = new Cascade(false);
    for (const item of items) this.scheduler.enqueue({ target: proc.id, msg: item.msg, origin: item.origin, mailboxEnd: item.end, cascade });
    void cascade.done.finally(() => this.pending.delete(proc.id));
  }

  /** Close the process if no mail is waiting (checked under the short lock); false when there is mail to handle first. */
  closeIfQuiet(proc: LocalProcess): boolean {
    return withShortLock(proc.dir, () => {
      if (mailboxSize(proc.dir) > proc.mailboxOffset) return false;
      proc.close();
      return true;
    });
  }
}
