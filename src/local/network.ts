// The local AO network: the processes of one data folder, opened and kept
// current for the program that uses them. The parts, each in its own file:
//   registry.ts         which processes exist, names -> ids (reads folders only)
//   scheduler.ts        a lane per target process, group commit, outbox routing (messages, spawns, assignments)
//   outbox-recovery.ts  outboxes a crash kept from being delivered
//   mail.ts             mail from other aos-ts programs that have a process open
//   cron.ts             cron ticks
//   messages.ts         how every message is built
// Opening has explicit steps: open() only opens; catchUp() delivers what the
// process is owed (undelivered outbox, mail, missed cron ticks); start()
// keeps open processes current (mail poll, cron timers). get() is open +
// catchUp. Nothing ticks unless asked: programs that stay up with processes
// open (the shell, serve) call start(); `background: true` does it at construction.
// A program that does not hold a process can still read it (readOnly) and
// wait for the holder to handle a message it handed over (waitForResult).
import type { EngineOptions } from '../engine/process-engine.js';
import { tagValue, type AoMessage, type AoResult, type Tag } from '../engine/types.js';
import { CronTicker, parseCronInterval } from './cron.js';
import { isId, randomId } from './ids.js';
import { loadIdentity, type LocalIdentity } from './identity.js';
import { LocalProcess, type MessageRecord } from './local-process.js';
import { LogReader } from './log-reader.js';
import { MailReader } from './mail.js';
import { assignedMessage, dryrunMessage, userMessage, type DryrunRequest } from './messages.js';
import { markDelivered, redeliverOutbox } from './outbox-recovery.js';
import { LOCAL_MODULE_ID, type ProcessMeta, type ProcessMetaError } from './process-meta.js';
import { ProcessRegistry } from './registry.js';
import { Cascade, DEFAULT_CASCADE_LIMIT, Scheduler, type Delivery, type Settled } from './scheduler.js';
import { baseTags, isReservedProcessTag } from './tags.js';

export { DEFAULT_CASCADE_LIMIT } from './scheduler.js';
export type { Delivery, PendingAssignment, Settled } from './scheduler.js';

/** How often open processes look for mail from other programs. */
const MAIL_POLL_MS = 250;

/**
 * A process opened here only to deliver a message to it (nobody asked for it)
 * is closed once it has been quiet this long, so its lock does not keep the
 * person from opening it in another aos-ts.
 */
const RELEASE_DELIVERY_ONLY_MS = 2_000;

export interface NetworkOptions {
  engine?: EngineOptions;
  /** Most messages one cascade may deliver before it is stopped. */
  cascadeLimit?: number;
  onNotice?: (text: string) => void;
  /** A delivery listener registered at construction (see onDelivery). */
  onDelivery?: (d: Delivery) => void;
  /** Current time; tests pin it. */
  now?: () => number;
  /** false: deliver no cron ticks (for reads such as `aos-ts inbox`); due ones wait for the next open. */
  cron?: boolean;
  /** true: call start() at construction (mail poll, cron timers). Default false: call start() when wanted. */
  background?: boolean;
  /** Passed to each process opened (see OpenOptions.snapshotEvery). */
  snapshotEvery?: number;
}

export interface SpawnOptions {
  tags?: Tag[];
  data?: string;
  cron?: string;
  /** For children spawned by a process: the parent is their owner. */
  parent?: string;
  /** The owner (and signer) when it is not the local identity, e.g. a wallet address from a signed spawn. */
  owner?: string;
  id?: string;
  timestamp?: number;
}

export class LocalNetwork {
  readonly identity: LocalIdentity;
  readonly registry: ProcessRegistry;
  private readonly scheduler: Scheduler;
  private readonly mail: MailReader;
  private readonly cron: CronTicker;
  private readonly open = new Map<string, LocalProcess>();
  private readonly opening = new Map<string, Promise<LocalProcess>>();
  private readonly caughtUp = new Set<string>();
  /**
   * Processes a caller asked for (get, openOrSpawn, spawn): kept open until
   * close(). The others were opened for a delivery and are let go once quiet
   * (see releaseDeliveryOnly); when each was last delivered to.
   */
  private readonly pinned = new Set<string>();
  private readonly lastDelivery = new Map<string, number>();
  /** Processes opened read-only here (held by another program), closed with the network. */
  private readonly readers = new Set<LocalProcess>();
  private readonly deliveryListeners = new Set<(d: Delivery) => void>();
  private mailTimer?: NodeJS.Timeout;
  private started = false;
  private closed = false;

  constructor(
    readonly dataDir: string,
    private readonly options: NetworkOptions = {},
  ) {
    this.registry = new ProcessRegistry(dataDir, (t) => this.notice(t));
    this.identity = loadIdentity(dataDir);
    if (options.onDelivery) this.deliveryListeners.add(options.onDelivery);
    this.scheduler = new Scheduler({
      messenger: this.identity.messenger,
      cascadeLimit: options.cascadeLimit ?? DEFAULT_CASCADE_LIMIT,
      now: () => this.now(),
      notice: (t) => this.notice(t),
      delivered: (d) => this.emitDelivery(d),
      isLocal: (id) => this.isLocal(id),
      dirOf: (id) => this.dirOf(id),
      get: (id) => this.getForDelivery(id),
      openProcesses: () => this.open.values(),
      spawn: (name, o) => this.spawn(name, o),
      markDelivered: (procs) => markDelivered(procs, (t) => this.notice(t)),
    });
    this.mail = new MailReader(this.scheduler, (t) => this.notice(t));
    this.cron = new CronTicker({
      now: () => this.now(),
      notice: (t) => this.notice(t),
      deliver: (target, msg) => this.scheduler.enqueue({ target, msg, cascade: new Cascade(false) }),
    });
    if (options.background === true) this.start();
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private notice(text: string): void {
    this.options.onNotice?.(text);
  }

  // --- the registry -----------------------------------------------------------

  get processesDir(): string {
    return this.registry.processesDir;
  }

  dirOf(id: string): string {
    return this.registry.dirOf(id);
  }

  /** Every local process, oldest first. */
  list(): ProcessMeta[] {
    return this.registry.list();
  }

  /** The id of the process with this id or name; an error when a name is ambiguous. */
  resolve(nameOrId: string): string | undefined {
    return this.registry.resolve(nameOrId);
  }

  /** Process folders whose process.json is missing or damaged. */
  damaged(): ProcessMetaError[] {
    return this.registry.damaged();
  }

  isLocal(id: string): boolean {
    return this.registry.isLocal(id);
  }

  // --- opening ------------------------------------------------------------------

  /**
   * Open a process and catch it up (kept open until close()).
   * `lockWaitMs`: how long to wait if another program holds it, for one that
   * may be closing (a person reopening a process). Deliveries do not wait:
   * they hand the message to that program instead.
   */
  async get(id: string, lockWaitMs = 0): Promise<LocalProcess> {
    const proc = await this.getForDelivery(id, lockWaitMs);
    this.pinned.add(id);
    return proc;
  }

  /** get() for the scheduler: a process opened only for a delivery is let go once quiet. */
  private async getForDelivery(id: string, lockWaitMs = 0): Promise<LocalProcess> {
    this.lastDelivery.set(id, Date.now());
    const cached = this.open.get(id);
    if (cached) {
      if (!this.caughtUp.has(id)) await this.catchUp(cached); // opened quietly before
      return cached;
    }
    // One open per process even when several deliveries ask at once.
    let opening = this.opening.get(id);
    if (!opening) {
      opening = (async () => {
        const proc = await this.openProcess(id, lockWaitMs);
        await this.catchUp(proc);
        return proc;
      })().finally(() => this.opening.delete(id));
      this.opening.set(id, opening);
    }
    return opening;
  }

  /**
   * Let go of an open process whose log stopped after a write error (a full disk), so the
   * next get() opens it again: recovery keeps what the log holds (the state in memory may be
   * ahead of it) and space freed meanwhile is used. For callers that keep no reference to the
   * process between requests (aos-ts serve); a shell keeps its process and says to reopen it.
   */
  reopenIfStopped(id: string): void {
    const proc = this.open.get(id);
    if (!proc?.writeError || proc.isBusy) return;
    this.open.delete(id);
    this.caughtUp.delete(id);
    this.cron.forget(id);
    proc.close();
  }

  /** Open a process without delivering anything to it (see catchUp). */
  async openQuietly(id: string, lockWaitMs = 0): Promise<LocalProcess> {
    const proc = this.open.get(id) ?? (await this.openProcess(id, lockWaitMs));
    this.pinned.add(id);
    return proc;
  }

  private async openProcess(id: string, lockWaitMs: number): Promise<LocalProcess> {
    if (this.closed) throw new Error('the local network is closed');
    const proc = await LocalProcess.open(this.dirOf(id), { engine: this.options.engine, snapshotEvery: this.options.snapshotEvery, onNotice: this.options.onNotice, lockWaitMs });
    this.open.set(id, proc);
    return proc;
  }

  /**
   * What an opened process may owe or be owed: the outbox a crash kept from
   * being delivered, mail from other programs, cron ticks missed while it was
   * closed (unless `cron: false`). Queued, not awaited; see idle().
   */
  async catchUp(proc: LocalProcess): Promise<void> {
    if (this.caughtUp.has(proc.id)) return;
    this.caughtUp.add(proc.id);
    await redeliverOutbox(proc, this.scheduler, (t) => this.notice(t));
    this.mail.poll(proc);
    if (this.options.cron !== false) this.cron.catchUp(proc);
    if (this.started) this.keepCurrent(proc);
  }

  /** Keep every open process current from now on: mail from other programs, cron timers. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const proc of this.open.values()) if (this.caughtUp.has(proc.id)) this.keepCurrent(proc);
  }

  /** The shell's .unmonitor: no cron ticks until resumeCron(). */
  pauseCron(): void {
    this.cron.stop();
  }

  /** The shell's .monitor: deliver the ticks that fell due meanwhile, then keep ticking. */
  resumeCron(): void {
    if (this.options.cron === false || !this.started) return;
    for (const proc of this.open.values()) {
      if (!this.caughtUp.has(proc.id)) continue;
      this.cron.catchUp(proc);
      this.cron.start(proc);
    }
  }

  private keepCurrent(proc: LocalProcess): void {
    if (this.options.cron !== false) this.cron.start(proc);
    if (!this.mailTimer) {
      this.mailTimer = setInterval(() => {
        for (const p of this.open.values()) this.mail.poll(p);
        this.releaseDeliveryOnly();
      }, MAIL_POLL_MS);
      this.mailTimer.unref();
    }
  }

  /**
   * Close the processes opened here only to deliver to them, once nothing is
   * being delivered and each has been quiet for a while: a shell that sent a
   * message to "bob" must not keep bob locked until it exits. Their outbox
   * cursors are written when the scheduler goes quiet; what arrives for them
   * later opens them again (or goes to the program that has them then).
   */
  private releaseDeliveryOnly(): void {
    if (this.closed || !this.scheduler.quiet) return;
    const now = Date.now();
    for (const [id, proc] of this.open) {
      if (this.pinned.has(id) || this.opening.has(id) || proc.isBusy) continue;
      if (now - (this.lastDelivery.get(id) ?? 0) < RELEASE_DELIVERY_ONLY_MS) continue;
      this.closeIfQuiet(id, proc);
    }
  }

  private closeIfQuiet(id: string, proc: LocalProcess): boolean {
    if (!this.mail.closeIfQuiet(proc)) return false;
    this.open.delete(id);
    this.caughtUp.delete(id);
    this.lastDelivery.delete(id);
    this.cron.forget(id);
    return true;
  }

  /**
   * Let go of a process a caller asked for (get, spawn): closed now when
   * nothing is under way for it, else once quiet, like one opened only for a
   * delivery; asked for again, it is opened again. A process with a cron
   * stays open (its ticks come from here). True when it was closed now.
   */
  release(id: string): boolean {
    const proc = this.open.get(id);
    if (!proc || proc.meta.cron) return false;
    this.pinned.delete(id);
    if (this.closed || !this.scheduler.quiet || this.opening.has(id) || proc.isBusy) return false;
    return this.closeIfQuiet(id, proc);
  }

  /** Processes open here: for delivery or by request, and read-only ones (for the memory bench and tests). */
  get openCounts(): { open: number; readOnly: number } {
    return { open: this.open.size, readOnly: this.readers.size };
  }

  /**
   * The one delivery event: every message handled that the caller did not
   * send itself (other processes, cron, other programs, redelivery).
   * `options.onDelivery` is the same, registered at construction.
   */
  onDelivery(listener: (d: Delivery) => void): () => void {
    this.deliveryListeners.add(listener);
    return () => this.deliveryListeners.delete(listener);
  }

  private emitDelivery(d: Delivery): void {
    for (const l of this.deliveryListeners) l(d);
  }

  /**
   * Open the process with this name or id, spawning it when no process has that name.
   * `quiet`: open without catching up (openQuietly), so the caller can
   * subscribe to deliveries first and then call catchUp().
   */
  async openOrSpawn(nameOrId: string, spawn: SpawnOptions = {}, opts: { quiet?: boolean } = {}): Promise<{ process: LocalProcess; created: boolean }> {
    const id = this.resolve(nameOrId);
    if (id) return { process: opts.quiet ? await this.openQuietly(id, 1500) : await this.get(id, 1500), created: false };
    if (isId(nameOrId)) throw new Error(`no local process has the id ${nameOrId}`);
    const { process } = await this.spawn(nameOrId, spawn);
    return { process, created: true };
  }

  /** Create a local process; its process message (On-Boot) is handled at once. */
  async spawn(name: string, opts: SpawnOptions = {}): Promise<{ process: LocalProcess; result: AoResult }> {
    if (opts.cron) parseCronInterval(opts.cron);
    if (this.closed) throw new Error('the local network is closed');
    const id = opts.id ?? randomId();
    const createdAt = opts.timestamp ?? this.now();
    const owner = opts.parent ?? opts.owner ?? this.identity.address;
    const meta: ProcessMeta = {
      id,
      name,
      owner,
      signer: opts.parent ? this.identity.messenger : owner,
      module: LOCAL_MODULE_ID,
      tags: processTags(name, this.identity.messenger, opts),
      data: opts.data,
      createdAt,
      cron: opts.cron ?? tagValue(opts.tags, 'Cron-Interval'),
    };
    const created = await LocalProcess.create(this.dirOf(id), meta, { engine: this.options.engine, snapshotEvery: this.options.snapshotEvery, onNotice: this.options.onNotice });
    this.open.set(id, created.process);
    // A child a process spawned is opened for its delivery like any other target.
    if (!opts.parent) this.pinned.add(id);
    else this.lastDelivery.set(id, Date.now());
    await this.catchUp(created.process);
    return created;
  }

  // --- sending --------------------------------------------------------------

  /** A message from you (the local identity) to a local process. */
  userMessage(target: string, tags: Tag[], data?: string, extra: { anchor?: string } = {}): AoMessage {
    return userMessage({ owner: this.identity.address, target, tags, data, anchor: extra.anchor, timestamp: this.now() });
  }

  /** A dry-run message to a process, as the compute unit builds it from a request. */
  dryrunMessage(proc: LocalProcess, req: DryrunRequest): AoMessage {
    return dryrunMessage(req, { process: proc.id, owner: this.identity.address, timestamp: proc.history.lastTimestamp ?? this.now() });
  }

  /**
   * Deliver `msg` to `target`, then everything the network sends because of
   * it, until quiet (or the cascade bound). Resolves when all of it is durable.
   * With `handOff`, a target that another aos-ts program has open gets the
   * message in its mailbox (then `status` is 'handed-off').
   */
  sendAndSettle(target: string, msg: AoMessage, opts: { handOff?: boolean } = {}): Promise<Settled> {
    return this.scheduler.send(target, msg, opts);
  }

  /**
   * Assign a message to a local process, as AO's scheduler carries out an
   * assignment: the process receives the original message (see
   * assignedMessage). A process that already has the message gets nothing
   * (`assigned: false`), as the scheduler refuses duplicates.
   */
  async assign(target: string, original: AoMessage): Promise<{ assigned: boolean; settled?: Settled }> {
    const proc = await this.get(target);
    if (typeof original.Id === 'string' && proc.history.seqOf(original.Id) !== undefined) return { assigned: false };
    const settled = await this.sendAndSettle(target, assignedMessage(original, this.now()));
    return { assigned: true, settled };
  }

  /**
   * A message by id as some local process received it: the processes open
   * here first; with `searchAll`, every local process (opening them).
   */
  async findMessage(id: string, opts: { searchAll?: boolean } = {}): Promise<AoMessage | undefined> {
    for (const proc of this.open.values()) {
      const rec = proc.history.resultOf({ id });
      if (rec) return rec.msg;
    }
    if (!opts.searchAll) return undefined;
    for (const meta of this.list()) {
      if (this.open.has(meta.id)) continue;
      const proc = await this.get(meta.id).catch(() => undefined);
      const rec = proc?.history.resultOf({ id });
      if (rec) return rec.msg;
    }
    return undefined;
  }

  /** Resolves when nothing is queued or being delivered. */
  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  // --- reading a process another program holds ------------------------------

  /**
   * A process to read (inspect, dryrun, history) whether or not another
   * aos-ts holds it: the one open here, else a read-only open that takes no
   * lock and writes nothing (the newest snapshot plus a replay of the log
   * after it). Closed with the network.
   */
  async readOnly(id: string): Promise<LocalProcess> {
    const open = this.open.get(id);
    if (open) {
      this.pinned.add(id); // the caller keeps it: not let go under it
      return open;
    }
    if (!this.isLocal(id)) throw new Error(`no local process has the id ${id}`);
    const proc = await LocalProcess.openReadOnly(this.dirOf(id), { engine: this.options.engine, snapshotEvery: this.options.snapshotEvery, onNotice: this.options.onNotice });
    // Kept to be closed with the network; those the caller closed already are let go (each holds a state image).
    for (const r of this.readers) if (r.isClosed) this.readers.delete(r);
    this.readers.add(proc);
    return proc;
  }

  /**
   * Wait until the message `msgId`, handed to the program that holds `id`
   * (see Settled.handedOff), is handled there, and give its result as a
   * settled send (what it sent to processes that are not local is `pending`;
   * what the holder's cascade delivered is not known here). Watches the log
   * from `afterSeq`. Throws a clear error after `timeoutMs`.
   */
  async waitForResult(id: string, msgId: string, opts: { timeoutMs: number; afterSeq?: number; pollMs?: number }): Promise<Settled> {
    const rec = await this.watchFor(id, msgId, opts);
    if (!rec) {
      const name = this.registry.list().find((m) => m.id === id)?.name ?? id;
      throw new Error(
        `"${name}" is open in another aos-ts, which did not handle your message ${msgId} within ${Math.round(opts.timeoutMs / 1000)} s. ` +
          'It stays in its mailbox and is handled when that program reads its mail or the process is next opened.',
      );
    }
    const pending = (rec.result.Error === undefined ? (rec.result.Messages ?? []) : [])
      .filter((m) => !m.Target || !this.isLocal(m.Target))
      .map((message) => ({ from: id, message }));
    return { status: 'handled', result: rec.result, seq: rec.seq, cascade: [], pending, pendingAssignments: [], handedOff: [] };
  }

  private async watchFor(id: string, msgId: string, opts: { timeoutMs: number; afterSeq?: number; pollMs?: number }): Promise<MessageRecord | undefined> {
    const until = Date.now() + opts.timeoutMs;
    let open = this.open.get(id);
    if (open) this.pinned.add(id);
    const reader = open ? undefined : new LogReader(`${this.dirOf(id)}/log`);
    let next = (opts.afterSeq ?? 0) + 1;
    let lastTry = Date.now();
    for (;;) {
      if (!open && Date.now() - lastTry >= 1000) {
        // A holder that died never reads its mailbox: once its lock is free,
        // open the process here; catching up handles the mail.
        lastTry = Date.now();
        open = await this.get(id).catch(() => undefined);
        if (open) await this.idle();
      }
      if (open) {
        const rec = open.history.resultOf({ id: msgId });
        if (rec) return rec;
      } else if (reader) {
        const last = reader.refresh();
        for (const rec of reader.read(next)) {
          next = rec.seq + 1;
          if (rec.kind === 'message' && (rec.msg as { Id?: unknown } | undefined)?.Id === msgId) return rec as unknown as MessageRecord;
        }
        next = Math.max(next, last + 1);
      }
      if (Date.now() >= until) return undefined;
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 100));
    }
  }

  /** Stop timers, let deliveries finish, and close every process this network opened. */
  async close(): Promise<void> {
    for (const r of this.readers) r.close();
    this.readers.clear();
    this.cron.stop();
    if (this.mailTimer) clearInterval(this.mailTimer);
    this.mailTimer = undefined;
    await this.idle();
    this.closed = true;
    // Mail that arrives while closing is handled before the lock goes: the
    // last look and the release happen under the short lock senders append under.
    const lastLook = new Map<LocalProcess, number>();
    while (this.open.size > 0) {
      for (const proc of [...this.open.values()]) {
        const stuck = lastLook.get(proc) === proc.mailboxOffset;
        lastLook.set(proc, proc.mailboxOffset);
        if (this.mail.closeIfQuiet(proc, stuck)) this.open.delete(proc.id);
        else this.mail.poll(proc);
      }
      await this.idle();
    }
  }
}

/** The tags a local process is spawned with, as aos would spawn it on AO. */
function processTags(name: string, messenger: string, opts: SpawnOptions): Tag[] {
  const given = opts.tags ?? [];
  if (opts.parent) return childTags(messenger, given);
  // A spawn signed as a HyperBEAM (mainnet) process keeps its Variant: stock aos picks
  // mainnet or legacy by the Variant of the process it finds by name.
  const mainnet = given.some((t) => t.name === 'Variant' && t.value === 'ao.N.1');
  const tags: Tag[] = [
    ...baseTags('Process').map((t) => (mainnet && t.name === 'Variant' ? { ...t, value: 'ao.N.1' } : t)),
    { name: 'Name', value: name },
    { name: 'Module', value: LOCAL_MODULE_ID },
    { name: 'Authority', value: messenger },
    { name: 'App-Name', value: 'aos-ts' },
    ...given.filter((t) => !isReservedProcessTag(t.name)),
  ];
  if (opts.cron && !given.some((t) => t.name === 'Cron-Interval')) {
    tags.push({ name: 'Cron-Interval', value: opts.cron }, { name: 'Cron-Tag-Action', value: 'Cron' });
  }
  return tags;
}

/**
 * A child's tags are the ones the messenger signed (scheduler.ts), kept as
 * they are; the local messenger is added as an Authority when none names it,
 * so the child trusts what other local processes send it, as the children
 * of every local process do.
 */
function childTags(messenger: string, given: Tag[]): Tag[] {
  const trusted = given.some((t) => t.name === 'Authority' && t.value.split(',').map((a) => a.trim()).includes(messenger));
  return trusted ? [...given] : [...given, { name: 'Authority', value: messenger }];
}
