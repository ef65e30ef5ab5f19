// Input history per process, kept across runs. Up and Down walk it; the line
// being typed when Up was first pressed (the draft) comes back at the bottom.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const MAX_ENTRIES = 1000;

export class InputHistory {
  private entries: string[];
  /** -1: not browsing; otherwise an index into entries (0 = oldest). */
  private index = -1;
  private draft = '';

  constructor(private readonly file?: string) {
    this.entries = file ? load(file) : [];
  }

  get all(): readonly string[] {
    return this.entries;
  }

  /** Record a submitted entry (not repeated when equal to the last one). */
  add(entry: string): void {
    this.index = -1;
    this.draft = '';
    if (entry.trim() === '' || this.entries[this.entries.length - 1] === entry) return;
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    this.save();
  }

  /** The older entry, or undefined at the top. `current` is kept as the draft. */
  older(current: string): string | undefined {
    if (this.entries.length === 0) return undefined;
    if (this.index === -1) {
      this.draft = current;
      this.index = this.entries.length - 1;
    } else if (this.index > 0) {
      this.index -= 1;
    } else {
      return undefined;
    }
    return this.entries[this.index];
  }

  /** The newer entry, the draft past the newest, or undefined when not browsing. */
  newer(): string | undefined {
    if (this.index === -1) return undefined;
    if (this.index < this.entries.length - 1) {
      this.index += 1;
      return this.entries[this.index];
    }
    this.index = -1;
    return this.draft;
  }

  reset(): void {
    this.index = -1;
  }

  private save(): void {
    if (!this.file) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.entries));
      renameSync(tmp, this.file);
    } catch {
      // History is a convenience: failing to save it must not disturb the shell.
    }
  }
}

function load(file: string): string[] {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return Array.isArray(parsed) ? parsed.filter((e): e is string => typeof e === 'string') : [];
  } catch {
    return [];
  }
}
