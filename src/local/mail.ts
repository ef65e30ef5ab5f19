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
  /** Processes whose mailbox could not be read (already reported once). */
  private readonly trouble = new Set<string>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly onNotice: (text: string) => void = () => {},
  ) {}

  /**
   * Queue whatever arrived since the process last read its mailbox. An
   * unreadable mailbox (a folder in its place, no permission) is a notice,
   * once; the process works on.
   */
  poll(proc: LocalProcess): void {
    try {
      if (!this.waiting(proc) || this.pending.has(proc.id)) return;
      const items = readMailbox(proc.dir, proc.mailboxOffset, this.onNotice);
      if (items.length === 0) return;
      this.pending.add(proc.id);
      const cascade = new Cascade(false);
      for (const item of items) this.scheduler.enqueue({ target: proc.id, msg: item.msg, origin: item.origin, mailboxEnd: item.end, cascade });
      void cascade.done.finally(() => this.pending.delete(proc.id));
    } catch (err) {
      if (!this.trouble.has(proc.id)) this.onNotice((err as Error).message);
      this.trouble.add(proc.id);
    }
  }

  /** Whether whole mail lines wait past what the process has read. */
  private waiting(proc: LocalProcess): boolean {
    return mailboxSize(proc.dir) > proc.mailboxOffset;
  }

  /**
   * Close the process if no mail is waiting (checked under the short lock);
   * false when there is mail to handle first. `stuck`: the process made no
   * progress on its mail since the last look (its log stopped on a write
   * error): it is closed anyway, and the mail waits for the next open.
   */
  closeIfQuiet(proc: LocalProcess, stuck = false): boolean {
    let left = false;
    const closed = withShortLock(proc.dir, () => {
      left = this.safeWaiting(proc);
      if (left && !stuck) return false;
      proc.close();
      return true;
    });
    if (closed && left) {
      this.onNotice(`${proc.name}: mail after byte ${proc.mailboxOffset} of its mailbox could not be handled now; it is handled when the process is opened again`);
    }
    return closed;
  }

  private safeWaiting(proc: LocalProcess): boolean {
    try {
      return this.waiting(proc);
    } catch {
      return false; // reported by poll
    }
  }
}
