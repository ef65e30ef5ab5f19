// Local networks in temp folders, and small Lua programs the tests load into them.
import { LocalNetwork, type NetworkOptions } from '../../src/local/network.js';
import { LocalProcess } from '../../src/local/local-process.js';
import { tagValue, type AoResult } from '../../src/engine/types.js';
import { tempDataDir } from './temp.js';

export { removeTempDirs, tempDataDir } from './temp.js';

export function network(dataDir = tempDataDir(), opts: NetworkOptions = {}): LocalNetwork {
  return new LocalNetwork(dataDir, opts);
}

/** Eval in a process as its owner and wait for the cascade; throws on Error. */
export async function evalIn(net: LocalNetwork, proc: LocalProcess, code: string): Promise<AoResult> {
  const s = await net.sendAndSettle(proc.id, net.userMessage(proc.id, [{ name: 'Action', value: 'Eval' }], code));
  return s.result;
}

export function outputData(r: AoResult): string {
  const out = r.Output as { data?: unknown } | undefined;
  return typeof out?.data === 'string' ? out.data : '';
}

export function action(m: { Tags: { name: string; value: string }[] }): string | undefined {
  return tagValue(m.Tags, 'Action');
}

/** A small token in the shape of the ao standard (the full blueprint lives in blueprints/). */
export const MINI_TOKEN = `
Balances = Balances or { [ao.id] = "1000000" }
Handlers.add("transfer", "Transfer", function(msg)
  local q = math.tointeger(tonumber(msg.Quantity))
  assert(q and q > 0, "Quantity must be greater than 0")
  local from = msg.From
  local have = math.tointeger(tonumber(Balances[from] or "0"))
  if have < q then
    msg.reply({ Action = "Transfer-Error", Error = "Insufficient Balance!" })
    return
  end
  Balances[from] = tostring(have - q)
  Balances[msg.Recipient] = tostring(math.tointeger(tonumber(Balances[msg.Recipient] or "0")) + q)
  msg.reply({ Action = "Debit-Notice", Recipient = msg.Recipient, Quantity = tostring(q) })
  Send({ Target = msg.Recipient, Action = "Credit-Notice", Sender = from, Quantity = tostring(q) })
end)
Handlers.add("balance", "Balance", function(msg)
  msg.reply({ Action = "Balance", Balance = Balances[msg.Tags.Target or msg.From] or "0" })
end)
`;

/** The digest of a process rebuilt from its log alone, ignoring snapshots. */
export async function replayDigest(dir: string): Promise<string> {
  const p = await LocalProcess.open(dir, { ignoreSnapshots: true });
  try {
    return p.stateDigest();
  } finally {
    p.close();
  }
}
