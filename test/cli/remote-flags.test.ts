// aos's flags against a process on AO, tried on a real `aos-ts serve` in this process:
// --tag-name/--tag-value, --cron and --data when a remote process is spawned.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeCli } from '../helpers/node-cli.js';
import { tempDataDir } from '../helpers/temp.js';

const fx = nodeCli();
const { aosTs } = fx;

const SHOW = 'local t = ao.env.Process.Tags return table.concat({ t.Color or "-", t["Cron-Interval"] or "-", t["Cron-Tag-Action"] or "-", t.Name }, "|")';

describe("aos's spawn flags for a process on AO", () => {
  it('mainnet: the tags, cron tags and Data go on the spawn, as aos sends them', async () => {
    const file = join(tempDataDir(), 'boot.lua');
    writeFileSync(file, 'BootValue = "set by the --data file at boot"');
    const r = await aosTs(['tagged', '--mainnet', fx.node.url, '--wallet', fx.walletFile, '--yes', '--tag-name', 'Color', '--tag-value', 'blue', '--tag-name', 'On-Boot', '--tag-value', 'Data', '--cron', '1-minute', '--data', file, '--run', SHOW]);
    expect(r.stderr).toMatch(/spawned "tagged"/);
    expect(r.stdout.trim()).toBe('blue|1-minute|Cron|tagged');
    expect(r.code).toBe(0);
    // the spawn's Data ran at boot (On-Boot=Data, as in aos)
    const data = await aosTs(['tagged', '--mainnet', fx.node.url, '--wallet', fx.walletFile, '--run', 'return BootValue']);
    expect(data.stdout.trim()).toBe('set by the --data file at boot');
    const names = await aosTs(['tagged', '--mainnet', fx.node.url, '--wallet', fx.walletFile, '--run', 'local n = {} for _, t in ipairs(ao.env.Process.TagArray) do n[#n + 1] = t.name end return table.concat(n, ",")']);
    const got = names.stdout.trim().split(',');
    for (const tag of ['App-Name', 'Name', 'Color', 'On-Boot', 'Cron-Interval', 'Cron-Tag-Action']) expect(got).toContain(tag);
  }, 60_000);

  it('legacy: the same tags through the MU', async () => {
    const legacy = ['--legacy', '--mu-url', fx.node.url, '--cu-url', fx.node.url, '--gateway-url', fx.node.url, '--wallet', fx.walletFile];
    const r = await aosTs(['legacytag', ...legacy, '--yes', '--tag-name', 'Color', '--tag-value', 'red', '--run', SHOW]);
    expect(r.stdout.trim()).toBe('red|-|-|legacytag');
    expect(r.code).toBe(0);
    // and aos's --list finds it through the gateway
    const list = await aosTs(['--list', ...legacy]);
    expect(list.stdout).toMatch(/^legacytag +[A-Za-z0-9_-]{43}$/m);
  }, 60_000);

  it('are refused for a remote process that exists, and a bad --cron is named before anything is sent', async () => {
    const again = await aosTs(['tagged', '--mainnet', fx.node.url, '--wallet', fx.walletFile, '--tag-name', 'Color', '--tag-value', 'green', '--run', '1']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/"tagged" exists already .*only apply when a process is spawned/);
    const bad = await aosTs(['newone', '--mainnet', fx.node.url, '--wallet', fx.walletFile, '--yes', '--cron', 'often', '--run', '1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--cron/);
    expect(bad.stderr).not.toMatch(/spawned/);
  }, 60_000);
});
