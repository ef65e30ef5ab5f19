// A process on AO, reached through aoconnect: the same Connection the shell,
// --run and send use for a local process. Messages are signed with the
// wallet; results are read back; the live feed polls for what others caused.
import { REMOTE_CAPABILITIES, type Connection, type LiveMessage, type OutgoingMessage, type ProcessInfo } from '../connection.js';
import { tagValue, type AoResult } from '../engine/types.js';
import type { Client } from './client.js';
import { getText, neverArrived, RemoteError, retryRead, traced, whatFailed, type Exchange } from './http.js';
import { networkKey, type NetworkSettings } from './settings.js';
import type { RemoteStore } from './store.js';

export interface RemoteConnectionOptions {
  client: Client;
  process: { id: string; name: string };
  store: RemoteStore;
  /** How often the live feed polls (ms); default 2000. */
  pollMs?: number;
  /** Something to say about the live feed (a poll that failed, then recovered). */
  onNotice?: (text: string) => void;
}

const EVAL_TAGS = [{ name: 'Action', value: 'Eval' }];
/** Live reads in flight at once (results are still delivered in order). */
const READ_AHEAD = 8;
/** Legacy pages of results. */
const PAGE = 100;

export class RemoteConnection implements Connection {
  readonly capabilities = REMOTE_CAPABILITIES;
  private readonly client: Client;
  private readonly settings: NetworkSettings;
  private readonly pid: string;
  private readonly name: string;
  private readonly store: RemoteStore;
  private readonly network: string;
  private readonly pollMs: number;
  private readonly onNotice: (text: string) => void;
  private readonly listeners = new Set<(m: LiveMessage) => void>();
  /** Mainnet slots this connection pushed (their results went to the caller). */
  private readonly ownSlots = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private sendsWaiting = 0;
  private sending: Promise<unknown> = Promise.resolve();
  private closed = false;
  private pollFailing = false;
  private cursorValue: string | undefined;
  private cursorLoaded = false;

  constructor(opts: RemoteConnectionOptions) {
    this.client = opts.client;
    this.settings = opts.client.settings;
    this.pid = opts.process.id;
    this.name = opts.process.name;
    this.store = opts.store;
    this.network = networkKey(this.settings);
    this.pollMs = opts.pollMs ?? 2000;
    this.onNotice = opts.onNotice ?? (() => undefined);
  }

  info(): ProcessInfo {
    const node = this.settings.mode === 'mainnet' ? this.settings.url : this.settings.muUrl;
    return { id: this.pid, name: this.name, owner: this.client.wallet.address, network: this.settings.mode, node };
  }

  eval(code: string): Promise<AoResult> {
    return this.send({ Tags: EVAL_TAGS, Data: code });
  }

  /** One message at a time, never while the live feed is reading (so your own results never show as live). */
  send(message: OutgoingMessage): Promise<AoResult> {
    this.sendsWaiting++;
    const run = this.sending.then(async () => {
      await this.polling;
      try {
        return await this.sendNow(message);
      } finally {
        this.sendsWaiting--;
      }
    });
    this.sending = run.catch(() => undefined);
    return run;
  }

  private where(): string {
    return this.settings.mode === 'mainnet' ? `the node ${this.settings.url}` : `the MU ${this.settings.muUrl}`;
  }

  private hint(): string {
    return this.settings.mode === 'mainnet'
      ? 'Check that the node is up and --mainnet <url> is right, then try again.'
      : 'Check that the MU/CU are up and --mu-url/--cu-url are right, then try again.';
  }

  private async sendNow(message: OutgoingMessage): Promise<AoResult> {
    const { ao, signer } = this.client;
    const action = tagValue(message.Tags, 'Action') ?? 'message';
    const sent = await traced(
      () => ao.message({ process: this.pid, signer, tags: message.Tags, data: message.Data ?? '' }),
      (last, err) => {
        // No request at all (signing failed, e.g. a damaged key): nothing left this machine.
        const notSent = last === undefined || neverArrived(last);
        const outcome = notSent
          ? 'The message was not sent.'
          : last?.status !== undefined && last.status >= 400 && last.status < 500
            ? 'It was refused, so nothing was run.'
            : 'It may or may not have been sent: check before sending it again.';
        return new RemoteError(`sending the ${action} to ${this.pid} failed: ${whatFailed(last, err)}. ${outcome} ${this.hint()}`, last, notSent ? false : undefined);
      },
    );
    if (this.settings.mode === 'mainnet') {
      const slot = Number(sent);
      if (Number.isFinite(slot)) this.ownSlots.add(slot);
      return this.readResult({ slot }, `slot ${slot}`);
    }
    return this.readResult({ message: String(sent) }, `message ${String(sent)}`);
  }

  /** The result of a message already sent: a read, so repeated on hiccups; a CU still computing is waited for. */
  private async readResult(ref: { slot?: number; message?: string }, label: string): Promise<AoResult> {
    const started = Date.now();
    for (let wait = 250; ; wait = Math.min(wait * 2, 2000)) {
      const result = await retryRead(() =>
        traced(
          async () => checked(await this.client.ao.result({ process: this.pid, ...ref })),
          (last, err) =>
            new RemoteError(
              `the message was sent (${label}), but reading its result failed: ${whatFailed(last, err)}. ` +
                `It is on the network; do not send it again. Try again in a moment (the result is kept).`,
              last,
              true,
            ),
        ),
      );
      if (!isPending(result)) return result as AoResult;
      if (Date.now() - started > 120_000) {
        throw new RemoteError(`the message was sent (${label}), but its result was not ready after 2 minutes. It is on the network; do not send it again.`, undefined, true);
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  async dryrun(message: OutgoingMessage): Promise<AoResult> {
    const me = this.client.wallet.address;
    const extra = this.settings.mode === 'legacy' ? { Owner: me, From: me } : {};
    return retryRead(() =>
      traced(
        async () => checked(await this.client.ao.dryrun({ process: this.pid, tags: message.Tags, data: message.Data ?? '', ...extra })) as AoResult,
        (last, err) => new RemoteError(`the dry-run on ${this.pid} failed: ${whatFailed(last, err)}. Nothing was sent. ${this.hint()}`, last, false),
      ),
    );
  }

  async prompt(): Promise<string> {
    const r = await this.dryrun({ Tags: EVAL_TAGS, Data: 'return Prompt and Prompt() or "aos> "' });
    const out = r.Output;
    if (typeof out === 'object' && out !== null) {
      if (typeof out.data === 'string' && out.data !== '') return out.data;
      if (typeof out.prompt === 'string') return out.prompt;
    }
    return 'aos> ';
  }

  async inspect(lua: string): Promise<unknown> {
    const code = `local __aos_ts_value = (function()\n${lua}\nend)()\nreturn require('.json').encode(__aos_ts_value)`;
    const r = await this.dryrun({ Tags: EVAL_TAGS, Data: code });
    if (r.Error !== undefined) throw new Error(String(r.Error));
    const out = r.Output;
    const text = typeof out === 'object' && out !== null ? out.data : out;
    if (typeof text !== 'string') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  onLive(listener: (m: LiveMessage) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.schedule(0);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
    };
  }

  private schedule(ms: number): void {
    if (this.closed || this.listeners.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.sendsWaiting > 0) return this.schedule(this.pollMs);
      this.polling = this.pollOnce().finally(() => {
        this.polling = undefined;
        this.schedule(this.pollMs);
      });
    }, ms);
    this.timer.unref?.();
  }

  /** One round of the live feed; errors become one notice (and one when it works again), never a crash. */
  private async pollOnce(): Promise<void> {
    try {
      if (this.settings.mode === 'mainnet') await this.pollMainnet();
      else await this.pollLegacy();
      if (this.pollFailing) {
        this.pollFailing = false;
        this.onNotice('live feed: reconnected');
      }
    } catch (err) {
      if (!this.pollFailing) {
        this.pollFailing = true;
        this.onNotice(`live feed: ${(err as Error).message} (retrying every ${Math.round(this.pollMs / 1000) || 1} s)`);
      }
    }
  }

  private cursor(): string | undefined {
    if (!this.cursorLoaded) {
      this.cursorValue = this.store.cursor(this.network, this.pid);
      this.cursorLoaded = true;
    }
    return this.cursorValue;
  }

  private setCursor(cursor: string): void {
    this.cursorValue = cursor;
    try {
      this.store.saveCursor(this.network, this.pid, cursor);
    } catch {
      // The feed still works; only a restart would not resume.
    }
  }

  private readFailure(what: string) {
    return (last: Exchange | undefined, err: unknown) => new RemoteError(`reading ${what} failed: ${whatFailed(last, err)}`, last);
  }

  /** Mainnet: every slot after the last one seen, in order, each once. */
  private async pollMainnet(): Promise<void> {
    const current = await retryRead(async () => {
      const text = await getText(`${this.settings.url}/${this.pid}/slot/current`);
      const n = Number(text.trim());
      if (!Number.isSafeInteger(n)) throw new RemoteError(`${this.settings.url}/${this.pid}/slot/current answered "${text.slice(0, 40)}", not a slot number`);
      return n;
    });
    const saved = this.cursor();
    if (saved === undefined) {
      // First time: start from now (what came before is history, not news).
      this.setCursor(String(current));
      return;
    }
    let next = Number(saved) + 1;
    while (next <= current && this.sendsWaiting === 0 && !this.closed) {
      const slots: number[] = [];
      for (let s = next; s <= current && slots.length < READ_AHEAD; s++) slots.push(s);
      const reads = slots.map((slot) =>
        this.ownSlots.has(slot)
          ? Promise.resolve(undefined)
          : retryRead(() => traced(async () => checked(await this.client.ao.result({ process: this.pid, slot })), this.readFailure(`slot ${slot} of ${this.pid}`))),
      );
      // A failed read is reported by the await below; the others must not become unhandled rejections.
      for (const r of reads) r.catch(() => undefined);
      for (let i = 0; i < slots.length; i++) {
        const result = await reads[i]!;
        const slot = slots[i]!;
        this.ownSlots.delete(slot);
        if (result) this.deliver(slot, result as AoResult);
        this.setCursor(String(slot));
        next = slot + 1;
      }
    }
  }

  /** Legacy: the CU's results after the saved cursor, page by page, oldest first. */
  private async pollLegacy(): Promise<void> {
    let from = this.cursor();
    if (from === undefined) {
      const latest = await retryRead(() => traced(() => this.client.ao.results({ process: this.pid, sort: 'DESC', limit: 1 }), this.readFailure(`the results of ${this.pid}`)));
      const edge = latest.edges?.[0];
      this.setCursor(edge ? edge.cursor : '');
      return;
    }
    while (this.sendsWaiting === 0 && !this.closed) {
      const page = await retryRead(() =>
        traced(
          () => this.client.ao.results({ process: this.pid, sort: 'ASC', limit: PAGE, ...(from ? { from } : {}) }),
          this.readFailure(`the results of ${this.pid}`),
        ),
      );
      const edges = Array.isArray(page?.edges) ? page.edges : [];
      for (const edge of edges) {
        this.deliver(ordinateOf(edge.cursor), edge.node as AoResult);
        from = edge.cursor;
        this.setCursor(from);
      }
      if (edges.length < PAGE) return;
    }
  }

  /** Only what the process printed for messages other than Evals (your own Evals' results came back to you). */
  private deliver(seq: number, result: AoResult): void {
    const out = typeof result.Output === 'object' && result.Output !== null ? result.Output : undefined;
    const text = typeof out?.data === 'string' ? out.data : '';
    if (result.Error === undefined && (out?.print !== true || text === '')) return;
    const m: LiveMessage = { seq, from: 'unknown', text, prompt: typeof out?.prompt === 'string' ? out.prompt : undefined, error: result.Error };
    for (const l of [...this.listeners]) l(m);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
    await this.sending;
  }
}

/** aoconnect hands some error answers back as results ({ error }): those are failures, not results. */
function checked(r: Record<string, unknown>): Record<string, unknown> {
  if (r && typeof r === 'object' && typeof r.error === 'string' && r.Output === undefined) throw new Error(r.error);
  if (!r || typeof r !== 'object') throw new Error('the answer was not a result');
  return r;
}

/** A CU that is still computing answers { message: "... in progress" }. */
function isPending(r: Record<string, unknown>): boolean {
  return typeof r.message === 'string' && /in progress/i.test(r.message) && r.Output === undefined && r.Error === undefined;
}

function ordinateOf(cursor: string): number {
  try {
    const n = Number((JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as { ordinate?: unknown }).ordinate);
    return Number.isFinite(n) ? n : 0;
  } catch {
    return 0;
  }
}
