// `aos-ts publish <name>`: a local process goes live on AO (src/publish).
import { resolveDataDir } from '../local/paths.js';
import type { RemoteFlags } from '../remote/settings.js';
import type { PublishPlan, PublishResult } from '../publish/publish.js';
import { findProcess, type CommonOptions } from './common.js';
import { canAsk, confirm as confirmYes, err, io, noticeWriter, out, printJson, runCommand, UsageError } from './output.js';

export interface PublishCommandOptions extends CommonOptions, RemoteFlags {
  withState?: boolean;
  probe?: string[];
}

function report(result: PublishResult, name: string): void {
  const lines: string[] = [];
  if (result.remoteId) {
    lines.push(`${result.created ? 'published' : 'live'}: "${name}" is ${result.remoteId}${result.sourceTx ? ` (source ${result.sourceTx}${result.manifestTx ? `, manifest ${result.manifestTx}` : ''})` : ''}`);
  }
  if (result.parity.length > 0) {
    lines.push('parity (the same dry-runs, locally and on AO):');
    for (const c of result.parity) {
      if (c.same) lines.push(`  same     ${c.label}`);
      else lines.push(`  DIFFERS  ${c.label}`, `      local:  ${c.local}`, `      remote: ${c.remote}`);
    }
  }
  if (result.remoteId) lines.push(`open it: aos-ts ${name} --remote   (aos-ts ${name} stays local)`);
  out(lines.join('\n'));
}

export function runPublish(target: string, opts: PublishCommandOptions): Promise<number> {
  return runCommand(async () => {
    const interactive = canAsk();
    if (!opts.yes && !interactive) {
      throw new UsageError(
        `publish shows what it will send and asks first, but there is no terminal to ask. Run it in a terminal, or pass --yes to publish "${target}" without asking.`,
      );
    }
    const notice = noticeWriter(opts);
    const dataDir = resolveDataDir(opts.dataDir);
    const [{ LocalNetwork }, { resolveSettings, isRemoteRequested }, { loadWallet }, { publish, describePlan }, { flagsFor }, blueprints] = await Promise.all([
      import('../local/network.js'),
      import('../remote/settings.js'),
      import('../remote/wallet.js'),
      import('../publish/publish.js'),
      import('../publish/published.js'),
      import('../blueprints.js'),
    ]);
    const network = new LocalNetwork(dataDir, { onNotice: notice });
    try {
      const id = findProcess(network, target);
      const proc = await network.get(id, 1500);
      // Published before: the same network unless flags say otherwise.
      const flags: RemoteFlags = !isRemoteRequested(opts) && proc.meta.remote?.mode ? { ...opts, ...flagsFor(proc.meta.remote) } : opts;
      const settings = await resolveSettings(flags, undefined, io().env);
      const wallet = await loadWallet(opts.wallet, err);
      let sources: { name: string; source: string }[] = [];
      try {
        sources = blueprints.listBlueprints().map((b) => ({ name: b.name, source: blueprints.blueprintSource(b.name) }));
      } catch {
        sources = [];
      }
      const confirm = async (plan: PublishPlan): Promise<boolean> => {
        err(`${describePlan(plan)}\n  signed by wallet ${wallet.address}`);
        if (opts.yes) return true;
        return confirmYes(plan.nothingNew ? 'Compare the answers now? [y/N] ' : 'Publish? [y/N] ');
      };
      const result = await publish({ network, process: proc, settings, wallet, dataDir, withState: opts.withState, probes: opts.probe, confirm, notice, blueprints: sources });
      if (!result.confirmed) {
        err('nothing was published.');
        return 1;
      }
      if (opts.json) printJson(result);
      else report(result, proc.name);
      return result.parity.some((c) => !c.same) ? 1 : 0;
    } finally {
      await network.close();
    }
  });
}
