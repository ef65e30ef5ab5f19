// Engine figures: cold start, Eval latency, and a token-like handler's throughput.
import { ProcessEngine } from '../dist/engine/process-engine.js';
import { median, percentile, round } from './stats.mjs';

const OWNER = 'OWNER_ADDRESS_0000000000000000000000000000';
const PID = 'PROCESS_ID_00000000000000000000000000000000';
const env = { Process: { Id: PID, Owner: OWNER, Tags: [{ name: 'Name', value: 'bench' }, { name: 'Type', value: 'Process' }] } };
const boot = { Id: PID, Target: PID, From: OWNER, Owner: OWNER, 'Block-Height': 1, Module: 'M', Timestamp: 1, Tags: env.Process.Tags };
let n = 0;
const msg = (tags, data, from = OWNER) => ({ Id: `m${++n}`, Target: PID, From: from, Owner: from, Timestamp: 1000 + n, 'Block-Height': 2, Tags: tags, Data: data });

const TOKEN = `
Balances = Balances or {}
Handlers.add("transfer", "Transfer", function(msg)
  local q = tonumber(msg.Quantity)
  local from = msg.From
  local bal = tonumber(Balances[from] or "0")
  if bal < q then msg.reply({ Action = "Transfer-Error", Error = "Insufficient Balance!" }) return end
  Balances[from] = tostring(bal - q)
  Balances[msg.Recipient] = tostring(tonumber(Balances[msg.Recipient] or "0") + q)
  msg.reply({ Action = "Debit-Notice", Recipient = msg.Recipient, Quantity = msg.Quantity })
  Send({ Target = msg.Recipient, Action = "Credit-Notice", Sender = from, Quantity = msg.Quantity })
end)
Balances["${OWNER}"] = "100000000000"
`;

export async function* engineBench() {
  // Warm the wasm compile once, as any real run has by its second process.
  (await ProcessEngine.create()).close();
  const starts = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const e = await ProcessEngine.create();
    e.handle(boot, env);
    starts.push(performance.now() - t);
    e.close();
  }
  yield { name: 'engine.cold_start_median', value: round(median(starts), 1), unit: 'ms' };

  const e = await ProcessEngine.create();
  e.handle(boot, env);
  const evalTags = [{ name: 'Action', value: 'Eval' }];
  for (let i = 0; i < 200; i++) e.handle(msg(evalTags, '1 + 1'), env);
  const lat = [];
  for (let i = 0; i < 2000; i++) {
    const t = performance.now();
    e.handle(msg(evalTags, '1 + 1'), env);
    lat.push(performance.now() - t);
  }
  yield { name: 'engine.eval_latency_median', value: round(median(lat)), unit: 'ms' };
  yield { name: 'engine.eval_latency_p99', value: round(percentile(lat, 99)), unit: 'ms' };

  const r = e.handle(msg(evalTags, TOKEN), env);
  if (r.Error) throw new Error(r.Error);
  const N = 10_000;
  const t = performance.now();
  for (let i = 0; i < N; i++) {
    const res = e.handle(msg([{ name: 'Action', value: 'Transfer' }, { name: 'Recipient', value: `R${i % 100}` }, { name: 'Quantity', value: '1' }]), env);
    if (res.Error || res.Messages.length !== 2) throw new Error(`transfer ${i} failed: ${JSON.stringify(res).slice(0, 300)}`);
  }
  yield { name: 'engine.transfer_throughput', value: Math.round(N / ((performance.now() - t) / 1000)), unit: 'msgs/s' };
  e.close();
}
