// Options shared by the commands that open a process.
import type { EngineOptions } from '../engine/process-engine.js';

export interface MainOptions {
  run?: string;
  load?: string[];
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
  dataDir?: string;
  budget?: number;
  memory?: number;
  timeout?: number;
  /** With --run: evaluate against the current state and keep nothing (aos's --dry-run). */
  dryRun?: boolean;
  /** For a process created now (aos's spawn flags): tags as paired --tag-name/--tag-value, a cron interval, a Data file. */
  tagName?: string[];
  tagValue?: string[];
  cron?: string;
  data?: string;
}

export function engineOptions(opts: Pick<MainOptions, 'budget' | 'memory' | 'timeout'>): EngineOptions {
  const engine: EngineOptions = {};
  if (opts.budget !== undefined) engine.instructionBudget = opts.budget;
  if (opts.memory !== undefined) engine.memoryLimitBytes = opts.memory * 1024 * 1024;
  if (opts.timeout !== undefined) engine.timeLimitMs = opts.timeout * 1000;
  return engine;
}
