// `aos-ts publish`: a local process goes live on AO. Upload its source (and a
// manifest) to Arweave, spawn it on AO booting from that source (On-Boot=Data),
// optionally replay the messages that built its state, then compare answers.
// Every step that cannot be taken back is written to the process's meta
// before the next one, so a run that fails half-way is finished by a retry.
import { isId } from '../local/ids.js';
import type { LocalNetwork } from '../local/network.js';
import type { LocalProcess } from '../local/local-process.js';
import { writeMeta, type PublishedRemote } from '../local/process-meta.js';
import type { Tag } from '../engine/types.js';
import { LocalConnection } from '../local/local-connection.js';
import { createClient, type Client } from '../remote/client.js';
import { getText, neverArrived, RemoteError, traced, whatFailed } from '../remote/http.js';
import { RemoteConnection } from '../remote/remote-connection.js';
import { DEFAULT_MODULE, describeNetwork, LEGACY_DEFAULTS, networkKey, type NetworkSettings } from '../remote/settings.js';
import { RemoteStore } from '../remote/store.js';
import type { Wallet } from '../remote/wallet.js';
import { checkParity, type ParityCheck } from './parity.js';
import { buildBundle, buildManifest, detectBlueprints, readSource, sha256, userTags } from './source.js';
import { uploadTx } from './upload.js';

export class PublishError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishError';
  }
}

export interface PublishPlan {
  name: string;
  localId: string;
  network: string;
  /** An update of the process already published (its id), or a new spawn. */
  remoteId?: string;
  /** Evals in the bundle (for an update: those since the last publish). */
  evals: number;
  localOnly: number;
  /** Your non-Eval messages in the range: replayed only with --with-state. */
  messages: number;
  withState: boolean;
  bundleBytes: number;
  tags: Tag[];
  blueprints: string[];
  /** An earlier run's upload is reused (it stopped before finishing). */
  resumesUpload?: string;
  /** Nothing new to publish: only the parity check runs. */
  nothingNew: boolean;
}

export interface PublishOptions {
  network: LocalNetwork;
  process: LocalProcess;
  settings: NetworkSettings;
  wallet: Wallet;
  /** Where the remote name cache lives (the data dir). */
  dataDir: string;
  withState?: boolean;
  probes?: string[];
  /** Asked once the plan is known; false stops before anything is sent. */
  confirm: (plan: PublishPlan) => Promise<boolean>;
  notice?: (text: string) => void;
  blueprints?: { name: string; source: string }[];
}

export interface PublishResult {
  plan: PublishPlan;
  confirmed: boolean;
  remoteId?: string;
  created?: boolean;
  sourceTx?: string;
  manifestTx?: string;
  parity: ParityCheck[];
}

/** Words a person can act on, for the plan shown before confirming. */
export function describePlan(p: PublishPlan): string {
  const lines = [
    p.remoteId
      ? `Update the published process "${p.name}" (${p.remoteId}) on the ${p.network}:`
      : `Publish the local process "${p.name}" (${p.localId}) to the ${p.network}:`,
  ];
  if (p.nothingNew) lines.push('  nothing changed since the last publish; only the answers will be compared');
  else {
    lines.push(`  source: ${p.evals} Eval${p.evals === 1 ? '' : 's'} as one Lua bundle (${p.bundleBytes} bytes)${p.remoteId ? ', sent as an Eval' : ', the boot code (On-Boot=Data)'}`);
    if (p.resumesUpload) lines.push(`  reusing the upload ${p.resumesUpload} from an earlier run that did not finish`);
    else lines.push('  uploaded to Arweave with a manifest (Type=Process-Source)');
  }
  if (p.localOnly > 0) lines.push(`  left out: ${p.localOnly} Eval${p.localOnly === 1 ? '' : 's'} marked -- local-only`);
  if (p.blueprints.length > 0) lines.push(`  blueprints: ${p.blueprints.join(', ')}`);
  if (p.tags.length > 0) lines.push(`  tags: ${p.tags.map((t) => `${t.name}=${t.value}`).join(', ')}`);
  if (p.withState) lines.push(`  state: ${p.messages} message${p.messages === 1 ? '' : 's'} you sent will be replayed after the source (--with-state)`);
  else {
    lines.push(
      `  state: NOT carried over. The published process starts from the code alone${p.messages > 0 ? `; the ${p.messages} message${p.messages === 1 ? '' : 's'} you sent locally will not be replayed` : ''} (use --with-state to replay them).`,
    );
  }
  lines.push('  never published: your wallet, and Evals whose first line is -- local-only');
  return lines.join('\n');
}

function settingsRecord(settings: NetworkSettings): Pick<PublishedRemote, 'mode' | 'url' | 'muUrl' | 'cuUrl' | 'gatewayUrl'> {
  return { mode: settings.mode, url: settings.url, muUrl: settings.muUrl, cuUrl: settings.cuUrl, gatewayUrl: settings.gatewayUrl };
}

function save(proc: LocalProcess, remote: PublishedRemote): void {
  proc.meta.remote = remote;
  writeMeta(proc.dir, proc.meta);
}

export async function publish(opts: PublishOptions): Promise<PublishResult> {
  const { process: proc, settings, wallet } = opts;
  const notice = opts.notice ?? (() => undefined);
  const meta = proc.meta;
  const net = networkKey(settings);
  const prior = meta.remote;
  if (prior?.id && prior.network !== net) {
    throw new PublishError(
      `"${meta.name}" is already published as ${prior.id} on another network (${prior.network}). ` +
        'Publish it there again (give the same network flags), or spawn a new local process to publish elsewhere.',
    );
  }
  const live = prior?.network === net ? prior : undefined;
  const update = live?.id !== undefined;
  const fromSeq = update ? (live.seq ?? 0) : 0;
  // Messages are replayed only with --with-state; those never replayed stay eligible for a later --with-state.
  const src = readSource(proc, fromSeq, update ? (live.stateSeq ?? 0) : 0);
  const withState = opts.withState === true;
  const bundle = buildBundle(meta.name, src.evals);
  const bundleSha = sha256(bundle);
  const blueprints = detectBlueprints(src.evals, opts.blueprints ?? []);
  const pending = live?.pending && live.pending.sha256 === bundleSha ? live.pending : undefined;
  const nothingNew = update && src.evals.length === 0 && (!withState || src.messages.length === 0) && !pending;
  const plan: PublishPlan = {
    name: meta.name,
    localId: meta.id,
    network: describeNetwork(settings),
    remoteId: live?.id,
    evals: src.evals.length,
    localOnly: src.localOnly,
    messages: src.messages.length,
    withState,
    bundleBytes: Buffer.byteLength(bundle),
    tags: userTags(meta),
    blueprints,
    resumesUpload: pending?.sourceTx,
    nothingNew,
  };
  if (!(await opts.confirm(plan))) return { plan, confirmed: false, parity: [] };

  let record: PublishedRemote = { ...(live ?? {}), network: net, ...settingsRecord(settings) };
  const client = await createClient(settings, wallet);
  let sourceTx = live?.sourceTx;
  let manifestTx = live?.manifestTx;
  let created = false;

  if (!nothingNew) {
    // 1. The upload (or the one an unfinished run left). Each id is saved as soon as it exists.
    const common = [
      { name: 'App-Name', value: 'aos-ts' },
      { name: 'Type', value: 'Process-Source' },
      { name: 'Process-Name', value: meta.name },
    ];
    if (pending) {
      sourceTx = pending.sourceTx;
      manifestTx = pending.manifestTx;
      notice(`reusing the upload ${sourceTx} from the earlier run`);
    } else {
      notice(`uploading the source to ${settings.gatewayUrl}...`);
      sourceTx = await uploadTx({ gatewayUrl: settings.gatewayUrl, wallet, data: bundle, tags: [...common, { name: 'Content-Type', value: 'text/x-lua' }] });
      manifestTx = undefined;
      record = { ...record, pending: { sourceTx, sha256: bundleSha, seq: src.lastSeq } };
      save(proc, record);
    }
    if (!manifestTx) {
      const manifest = buildManifest({ meta, bundle, evals: src.evals, blueprints, stateDigest: proc.stateDigest(), fromSeq, toSeq: src.lastSeq, withState, update });
      try {
        manifestTx = await uploadTx({
          gatewayUrl: settings.gatewayUrl,
          wallet,
          data: JSON.stringify(manifest, null, 2),
          tags: [...common, { name: 'Content-Type', value: 'application/json' }, { name: 'Source-Tx', value: sourceTx }],
        });
      } catch (err) {
        throw new PublishError(
          `the source was uploaded (${sourceTx}), but its manifest was not: ${(err as Error).message.replace(/ Nothing was published\..*$/, '')} ` +
            `Run \`aos-ts publish ${meta.name}\` again to finish (the source upload is reused).`,
        );
      }
      record = { ...record, pending: { sourceTx, manifestTx, sha256: bundleSha, seq: src.lastSeq } };
      save(proc, record);
      notice(`uploaded: source ${sourceTx}, manifest ${manifestTx}`);
    }

    // 2. The process on AO: a new spawn, or an Eval of what changed.
    const remoteName = { id: live?.id ?? '', name: meta.name };
    if (!update) {
      let id: string;
      try {
        id = await spawnPublished(client, meta.name, [
          { name: 'On-Boot', value: 'Data' },
          { name: 'Source-Tx', value: sourceTx },
          ...(manifestTx ? [{ name: 'Source-Manifest', value: manifestTx }] : []),
          { name: 'Published-By', value: 'aos-ts' },
          ...userTags(meta),
        ], bundle);
      } catch (err) {
        throw new PublishError(
          `the source was uploaded (${sourceTx}), but spawning the process failed: ${(err as Error).message} ` +
            `Run \`aos-ts publish ${meta.name}\` again to finish: the upload is reused, nothing is uploaded twice.`,
        );
      }
      created = true;
      remoteName.id = id;
      new RemoteStore(opts.dataDir).remember(net, wallet.address, meta.name, id);
      // Applied: the process holds the source up to here.
      record = { ...record, id, seq: src.lastSeq, stateSeq: 0, sourceTx, manifestTx, publishedAt: Date.now(), pending: undefined };
      save(proc, record);
      notice(`spawned "${meta.name}" on the ${describeNetwork(settings)}: ${id}`);
    }
    const remote = new RemoteConnection({ client, store: new RemoteStore(opts.dataDir), process: remoteName });
    try {
      if (update && src.evals.length > 0) {
        let r;
        try {
          r = await remote.eval(bundle);
        } catch (err) {
          throw new PublishError(
            `the update was uploaded (${sourceTx}), but sending it to ${remoteName.id} failed: ${(err as Error).message} ` +
              `Run \`aos-ts publish ${meta.name}\` again to finish (the upload is reused).`,
          );
        }
        if (r.Error !== undefined) {
          throw new PublishError(
            `the published process refused the update (uploaded as ${sourceTx}): ${String(r.Error).trim()}. ` +
              'Fix the code locally, then publish again.',
          );
        }
      }
      if (update) {
        record = { ...record, seq: src.lastSeq, stateSeq: live.stateSeq ?? 0, sourceTx, manifestTx, publishedAt: Date.now(), pending: undefined };
        save(proc, record);
      }
      // 3. --with-state: your messages, in order; the meta follows each one, so a retry resumes after the last that went.
      if (withState) {
        for (const m of src.messages) {
          let r;
          try {
            r = await remote.send({ Tags: m.tags, Data: m.data });
          } catch (err) {
            throw new PublishError(
              `replaying your message at log seq ${m.seq} failed: ${(err as Error).message} ` +
                `The process ${remoteName.id} is live; run \`aos-ts publish ${meta.name} --with-state\` again to replay the rest.`,
            );
          }
          if (r.Error !== undefined) notice(`replayed message at log seq ${m.seq} answered an error: ${String(r.Error).trim().split('\n')[0]}`);
          record = { ...record, stateSeq: m.seq };
          save(proc, record);
        }
        record = { ...record, stateSeq: src.lastSeq };
        save(proc, record);
      }
    } finally {
      await remote.close();
    }
  }

  // 4. Parity.
  const remoteId = record.id;
  if (!remoteId || !isId(remoteId)) return { plan, confirmed: true, parity: [], sourceTx, manifestTx };
  const remote = new RemoteConnection({ client, store: new RemoteStore(opts.dataDir), process: { id: remoteId, name: meta.name } });
  try {
    const local = new LocalConnection(opts.network, proc);
    const parity = await checkParity(local, remote, { you: [meta.owner, wallet.address], process: [meta.id, remoteId] }, opts.probes ?? []);
    return { plan, confirmed: true, remoteId, created, sourceTx, manifestTx, parity };
  } finally {
    await remote.close();
  }
}

/** What a node says to spawn with (an `aos-ts serve` names its module and scheduler at GET /). */
async function nodeDefaults(url: string): Promise<{ module?: string; scheduler?: string }> {
  try {
    const info = JSON.parse(await getText(`${url}/`, 5000)) as { module?: unknown; scheduler?: unknown };
    const pick = (v: unknown) => (typeof v === 'string' && isId(v) ? v : undefined);
    return { module: pick(info.module), scheduler: pick(info.scheduler) };
  } catch {
    return {};
  }
}

/** A spawn with the published source as its Data. A write: never repeated here. */
async function spawnPublished(client: Client, name: string, extraTags: Tag[], data: string): Promise<string> {
  const { settings, ao, signer } = client;
  const needsProbe = !settings.module || (settings.mode === 'legacy' && !settings.scheduler);
  const probed = needsProbe ? await nodeDefaults(settings.mode === 'mainnet' ? settings.url : settings.muUrl) : {};
  const module = settings.module ?? probed.module ?? DEFAULT_MODULE;
  const authority = settings.authority ?? (settings.mode === 'legacy' ? LEGACY_DEFAULTS.authority : '');
  const tags = [
    { name: 'App-Name', value: 'aos' },
    { name: 'Name', value: name },
    ...(authority ? [{ name: 'Authority', value: authority }] : []),
    ...extraTags,
  ];
  const id = await traced(
    () =>
      settings.mode === 'mainnet'
        ? ao.spawn({ module, tags, data, ...(settings.authority ? { authority: settings.authority } : {}) })
        : ao.spawn({ module, scheduler: settings.scheduler ?? probed.scheduler ?? LEGACY_DEFAULTS.scheduler, signer, tags, data }),
    (last, err) => new RemoteError(`${whatFailed(last, err)}. ${neverArrived(last) ? 'Nothing was spawned.' : 'It may not have been spawned.'}`, last),
  );
  if (typeof id !== 'string' || !isId(id)) throw new RemoteError(`the node returned no process id (got ${JSON.stringify(id)?.slice(0, 60)}).`);
  return id;
}
