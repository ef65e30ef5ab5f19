// Messages in the compute unit's shape, for tests that drive an engine directly.
import type { AoEnv, AoMessage, Tag } from '../../src/engine/types.js';

export const PID = 'AOS';
export const OWNER = 'FOOBAR';

export function env(tags: Tag[] = [{ name: 'Name', value: 'Thomas' }]): AoEnv {
  return { Process: { Id: PID, Owner: OWNER, Tags: tags } };
}

export function processMsg(tags: Tag[] = [{ name: 'Name', value: 'Thomas' }]): AoMessage {
  return { Id: PID, Target: PID, From: OWNER, Owner: OWNER, 'Block-Height': '999', Module: 'WOOPAWOOPA', Tags: tags, Timestamp: 1000 };
}

let n = 0;
export function evalMsg(code: string, extra: Partial<AoMessage> = {}): AoMessage {
  n += 1;
  return {
    Target: PID,
    From: OWNER,
    Owner: OWNER,
    Id: `eval-${n}`,
    'Block-Height': '1000',
    Module: 'WOOPAWOOPA',
    Timestamp: 1_700_000_000_000 + n,
    Tags: [{ name: 'Action', value: 'Eval' }],
    Data: code,
    ...extra,
  };
}

export function fromFred(tags: Tag[], data?: string): AoMessage {
  n += 1;
  const m: AoMessage = { Target: PID, From: 'FRED', Owner: 'FRED', Id: `fred-${n}`, Timestamp: 1_700_000_000_000 + n, Tags: tags };
  if (data !== undefined) m.Data = data;
  return m;
}

/** Output.data of a result as a string. */
export function data(result: { Output?: unknown }): string {
  const out = result.Output as { data?: unknown } | undefined;
  return typeof out?.data === 'string' ? out.data : JSON.stringify(out?.data);
}

/** The module stock aos spawns with by default (the node answers it as its own OS). */
export const AOS_MODULE = 'ISShJH1ij-hPPt9St5UFFr_8Ys3Kj5cyg7zrMGt7H9s';

/** A tag as aoconnect and arbundles take it. */
export const tag = (name: string, value: string): Tag => ({ name, value });

