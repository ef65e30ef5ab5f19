// Library figures: connect()'s message() + result() per token Transfer, as
// code written against aoconnect calls them (durable: each message() returns
// once its cascade is on disk).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../dist/index.js';
import { TOKEN } from './token-lua.mjs';

export async function* libraryBench() {
  const dataDir = mkdtempSync(join(tmpdir(), 'aos-bench-lib-'));
  const ao = connect({ dataDir });
  try {
    const bank = await ao.spawn({ tags: [{ name: 'Name', value: 'bank' }] });
    const alice = await ao.spawn({ tags: [{ name: 'Name', value: 'alice' }] });
    await ao.message({ process: bank, tags: [{ name: 'Action', value: 'Eval' }], data: TOKEN });
    const transfer = async () => {
      const id = await ao.message({
        process: bank,
        tags: [
          { name: 'Action', value: 'Transfer' },
          { name: 'Recipient', value: alice },
          { name: 'Quantity', value: '1' },
        ],
      });
      const r = await ao.result({ process: bank, message: id });
      if (r.Error) throw new Error(`transfer failed: ${r.Error}`);
    };
    // One call at a time, as a script awaiting each step does.
    const SERIAL = 200;
    let t = performance.now();
    for (let i = 0; i < SERIAL; i++) await transfer();
    yield { name: 'library.connect_message_result_serial', value: Math.round(SERIAL / ((performance.now() - t) / 1000)), unit: 'msgs/s' };

    // Many calls in flight (a server or a test harness using the library).
    const N = 2000;
    const IN_FLIGHT = 64;
    let started = 0;
    t = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (started < N) {
          started += 1;
          await transfer();
        }
      }),
    );
    yield { name: 'library.connect_message_result_64_in_flight', value: Math.round(N / ((performance.now() - t) / 1000)), unit: 'msgs/s' };
  } finally {
    await ao.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
