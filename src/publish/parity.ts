// Does the published process answer like the local one? The same dry-runs
// on both (its handler list, Info if it has an Info handler, the user's
// probes), compared after the parts that must differ (ids, who asks) are
// replaced by placeholders.
import type { Connection, OutgoingMessage } from '../connection.js';
import type { AoResult } from '../engine/types.js';

export interface ParityCheck {
  label: string;
  local: string;
  remote: string;
  same: boolean;
}

export interface Identities {
  /** Strings that name "you" on each side (local owner, wallet address). */
  you: string[];
  /** Strings that name the process on each side. */
  process: string[];
}

const HANDLER_NAMES = "local names = {}\nfor _, h in ipairs(Handlers.list) do names[#names + 1] = tostring(h.name) end\nreturn require('.json').encode(names)";

/** Tags that carry counters or routing that legitimately differ between the two. */
const VOLATILE_TAGS = new Set(['reference', 'x-reference', 'pushed-for', 'from-process', 'from-module', 'data-protocol', 'variant', 'type', 'sdk']);

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** What a result says, as text comparable across the two sides. */
export function normalize(result: AoResult, ids: Identities): string {
  const out = result.Output as { data?: unknown } | string | undefined;
  const data = typeof out === 'object' && out !== null ? out.data : out;
  const messages = (Array.isArray(result.Messages) ? result.Messages : []).map((m) => {
    const msg = m as { Target?: unknown; Data?: unknown; Tags?: { name: string; value: string }[] };
    return {
      Target: msg.Target,
      Data: msg.Data ?? '',
      Tags: (msg.Tags ?? []).filter((t) => !VOLATILE_TAGS.has(t.name.toLowerCase())).map((t) => `${t.name}=${t.value}`),
    };
  });
  const shape: Record<string, unknown> = { Output: typeof data === 'string' ? stripAnsi(data) : (data ?? '') };
  if (result.Error !== undefined) shape.Error = stripAnsi(String(result.Error));
  if (messages.length > 0) shape.Messages = messages;
  let text = JSON.stringify(shape);
  for (const s of ids.you) if (s) text = text.split(s).join('<you>');
  for (const s of ids.process) if (s) text = text.split(s).join('<process>');
  return text;
}

function evalMsg(code: string): OutgoingMessage {
  return { Tags: [{ name: 'Action', value: 'Eval' }], Data: code };
}

async function answer(conn: Connection, msg: OutgoingMessage, ids: Identities): Promise<string> {
  try {
    return normalize(await conn.dryrun(msg), ids);
  } catch (err) {
    return `failed: ${(err as Error).message}`;
  }
}

/** The dry-runs, asked of both sides in turn. */
export async function checkParity(local: Connection, remote: Connection, ids: Identities, probes: string[] = []): Promise<ParityCheck[]> {
  const checks: ParityCheck[] = [];
  const ask = async (label: string, msg: OutgoingMessage) => {
    const [l, r] = [await answer(local, msg, ids), await answer(remote, msg, ids)];
    checks.push({ label, local: l, remote: r, same: l === r });
  };
  await ask('handlers', evalMsg(HANDLER_NAMES));
  let names: string[] = [];
  try {
    const r = await local.dryrun(evalMsg(HANDLER_NAMES));
    const out = r.Output as { data?: unknown } | undefined;
    names = JSON.parse(typeof out?.data === 'string' ? stripAnsi(out.data) : '[]') as string[];
  } catch {
    names = [];
  }
  if (names.some((n) => n.toLowerCase() === 'info')) await ask('Action=Info', { Tags: [{ name: 'Action', value: 'Info' }] });
  for (const p of probes) await ask(`probe: ${p}`, evalMsg(`return ${p}`));
  return checks;
}
