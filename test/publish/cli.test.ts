// The CLI, in-process: `aos-ts publish` (asking, --yes, the exit code of the
// parity check) and `aos-ts <name>` / `--remote` afterwards, against an
// `aos-ts serve` in this process (everything is async, so the node answers).
import { describe, expect, it } from 'vitest';
import { nodeCli } from '../helpers/node-cli.js';

const fx = nodeCli();
const { aosTs } = fx;

describe('aos-ts publish', () => {
  it('without a terminal and without --yes: a clear error, exit 1, nothing sent', async () => {
    expect((await aosTs(['spawn', 'shop'])).code).toBe(0);
    expect((await aosTs(['shop', '--run', 'Greeting = "hi" return Greeting'])).stdout.trim()).toBe('hi');
    const r = await aosTs(['publish', 'shop', '--mainnet', fx.node.url, '--wallet', fx.walletFile]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/aos-ts: publish .* no terminal .* pass --yes/);
    expect(fx.node.context.txs.size).toBe(0);
  }, 60_000);

  it('with --yes: shows the plan, publishes, checks parity; exit 1 when a probe differs', async () => {
    await aosTs(['shop', '--run', 'Stock = 0\nHandlers.add("restock", "Restock", function() Stock = Stock + 5 end)']);
    await aosTs(['send', 'shop', '--action', 'Restock']);
    const r = await aosTs(['publish', 'shop', '--mainnet', fx.node.url, '--wallet', fx.walletFile, '--yes', '--probe', 'Greeting', '--probe', 'Stock']);
    expect(r.stderr).toMatch(/Publish the local process "shop"/);
    expect(r.stderr).toMatch(/state: NOT carried over/);
    expect(r.stdout).toMatch(/published: "shop" is [A-Za-z0-9_-]{43}/);
    expect(r.stdout).toMatch(/same {5}probe: Greeting/);
    expect(r.stdout).toMatch(/DIFFERS {2}probe: Stock/);
    expect(r.code).toBe(1);
  }, 60_000);

  it('afterwards the local process says it is published; --remote opens the published one', async () => {
    const local = await aosTs(['shop', '--run', 'return Stock']);
    expect(local.stdout.trim()).toBe('5');
    expect(local.stderr).toMatch(/"shop" is published on AO mainnet .* as [A-Za-z0-9_-]{43}.*--remote/);
    const remote = await aosTs(['shop', '--remote', '--wallet', fx.walletFile, '--run', 'return Stock']);
    expect(remote.stderr).toBe('');
    expect(remote.stdout.trim()).toBe('0');
    const notPublished = await aosTs(['spawn', 'other']).then(() => aosTs(['other', '--remote', '--run', 'return 1']));
    expect(notPublished.code).toBe(1);
    expect(notPublished.stderr).toMatch(/has not been published.*aos-ts publish other/);
  }, 60_000);

  it('publishing again with --with-state updates the same process; the answers then agree', async () => {
    const r = await aosTs(['publish', 'shop', '--wallet', fx.walletFile, '--yes', '--with-state', '--probe', 'Stock']);
    expect(r.stderr).toMatch(/Update the published process "shop"/);
    expect(r.stdout).toMatch(/same {5}probe: Stock/);
    expect(r.code).toBe(0);
  }, 60_000);
});
