// The shapes that cross the boundary between the host and the process OS.
// They follow the ao compute-unit wire format (shared/spec/aos-process.md §1).

export interface Tag {
  name: string;
  value: string;
}

/** A message as a compute unit hands it to a process. */
export interface AoMessage {
  Id?: string;
  From?: string;
  Owner?: string;
  Target?: string;
  Anchor?: string;
  Tags: Tag[];
  Data?: string;
  Timestamp?: number | string;
  'Block-Height'?: number | string;
  Module?: string;
  Cron?: boolean;
  'Read-Only'?: boolean;
  [key: string]: unknown;
}

export interface AoEnv {
  Process: { Id: string; Owner: string; Tags: Tag[] };
  Module?: { Id: string; Owner?: string; Tags: Tag[] };
}

/** A message a process sent (an entry of Result.Messages). */
export interface OutboxMessage {
  Target?: string;
  Data?: unknown;
  Anchor?: string;
  Tags: Tag[];
  [key: string]: unknown;
}

export interface SpawnRequest {
  Data?: unknown;
  Anchor?: string;
  Tags: Tag[];
  [key: string]: unknown;
}

export interface AssignmentRequest {
  Processes: string[];
  Message: string;
}

export interface OutputObject {
  data?: unknown;
  prompt?: string;
  print?: boolean;
  test?: string;
  [key: string]: unknown;
}

/** What handling one message produced: either the outbox or an Error (never both). */
export interface AoResult {
  Output?: OutputObject | string;
  Messages?: OutboxMessage[];
  Spawns?: SpawnRequest[];
  Assignments?: AssignmentRequest[];
  Error?: string;
  [key: string]: unknown;
}

/** Reads a tag's value (first occurrence wins, as in aos's msg.Tags map). */
export function tagValue(tags: Tag[] | undefined, name: string): string | undefined {
  if (!tags) return undefined;
  for (const t of tags) if (t.name === name) return t.value;
  return undefined;
}
