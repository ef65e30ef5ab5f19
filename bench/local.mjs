// Local-network figures: durable cascade throughput, reopen time, disk use.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalNetwork } from '../dist/local/network.js';
import { LocalProcess } from '../dist/local/local-process.js';
import { median, round } from './stats.mjs';
import { TOKEN } from './token-lua.mjs';

function duSync(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? duSync(p) : statSync(p).size;
  }
  return total;
}

const evalTags = [{ name: 'Action', value: 'Eval' }];
const load = () => Math.round(loadavg()[0] * 10) / 10;

export async function* localBench() {
  const dataDir = mkdtempSync(join(tmpdir(), 'aos-bench-'));
  try {
    const net = new LocalNetwork(dataDir);
    const { process: bank } = await net.openOrSpawn('bank');
    const { process: alice } = await net.openOrSpawn('alice');
    await net.sendAndSettle(bank.id, net.userMessage(bank.id, evalTags, TOKEN));
    const transfer = () =>
      net.userMessage(bank.id, [
        { name: 'Action', value: 'Transfer' },
        { name: 'Recipient', value: alice.id },
        { name: 'Quantity', value: '1' },
      ]);

    // One sender at a time: every cascade waits for its own fsyncs.
    let t = performance.now();
    const SERIAL = 300;
    for (let i = 0; i < SERIAL; i++) await net.sendAndSettle(bank.id, transfer());
    // The load average beside each throughput: on a shared machine it explains most of the spread.
    yield { name: 'local.durable_cascade_serial', value: Math.round((SERIAL * 2) / ((performance.now() - t) / 1000)), unit: 'msgs/s', load: load() };

    // Many senders at once (as the HTTP node or a script has): the bank and
    // alice handle side by side, and batches share fsyncs across senders.
    const N = 5000;
    const IN_FLIGHT = 64;
    const cpu = process.cpuUsage();
    t = performance.now();
    let sent = 0;
    const worker = async () => {
      while (sent < N) {
        sent += 1;
        await net.sendAndSettle(bank.id, transfer());
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    yield { name: 'local.durable_cascade_throughput', value: Math.round((N * 2) / ((performance.now() - t) / 1000)), unit: 'msgs/s', load: load() };
    // CPU time of every thread (main, engines, fsyncs) per message: what the figure above costs,
    // and less swayed than it by other work on a shared machine.
    const used = process.cpuUsage(cpu);
    yield { name: 'local.durable_cascade_cpu_per_message', value: round((used.user + used.system) / 1000 / (N * 2), 3), unit: 'ms' };
    const records = bank.lastSeq + alice.lastSeq;
    await net.close();
    yield { name: 'local.disk_bytes_per_message', value: Math.round(duSync(join(dataDir, 'processes')) / records), unit: 'bytes' };

    for (const size of [100, 100_000]) {
      const dir = await historyOf(dataDir, size);
      const times = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const p = await LocalProcess.open(dir);
        times.push(performance.now() - t0);
        p.close();
      }
      yield { name: `local.reopen_${size}_messages_median`, value: round(median(times), 1), unit: 'ms' };
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A process with `size` messages in its log (Evals that change state), closed. */
async function historyOf(dataDir, size) {
  const net = new LocalNetwork(dataDir);
  const { process: p } = await net.spawn(`history-${size}`);
  const msgs = [];
  for (let i = p.lastSeq; i < size; i++) {
    msgs.push(p.evaluate(net.userMessage(p.id, evalTags, `Counter = (Counter or 0) + 1 Last = "m${i}"`)));
    if (msgs.length >= 500) {
      await Promise.all(msgs.splice(0));
      p.flush();
    }
  }
  await Promise.all(msgs);
  const dir = p.dir;
  await net.close();
  return dir;
}
