// `aos-ts spawn <name>`: create a local process and print its id.
import { readFileSync } from 'node:fs';
import { isId } from '../local/ids.js';
import { isReservedProcessTag } from '../local/tags.js';
import { outputText } from '../text/result.js';
import { openNetwork, parseCron, parseTags, type CommonOptions } from './common.js';
import { error, forStream, noticeWriter, out, printJson, runCommand, UsageError } from './output.js';

export interface SpawnCommandOptions extends CommonOptions {
  tag?: string[];
  cron?: string;
  data?: string;
}

/**
 * `reserved`: names `aos-ts <name>` would take for a subcommand (the
 * program passes the commands it registered, so the list cannot go stale).
 */
export function runSpawn(name: string, opts: SpawnCommandOptions, reserved: readonly string[] = []): Promise<number> {
  return runCommand(async () => {
    if (name.trim() === '') throw new UsageError('the process name is empty. Give a name, e.g. aos-ts spawn counter.');
    if (isId(name)) {
      throw new UsageError(`"${name}" looks like a process id (43 characters of base64url); pick a name that does not, e.g. aos-ts spawn counter.`);
    }
    if (reserved.includes(name)) {
      throw new UsageError(`"${name}" is an aos-ts command, so \`aos-ts ${name}\` could not open the process; choose another name.`);
    }
    const tags = parseTags(opts.tag);
    for (const t of tags) {
      if (isReservedProcessTag(t.name)) throw new UsageError(`--tag ${t.name} is set by aos-ts itself; leave it out (the name comes from the argument).`);
      if (t.name === 'Cron-Interval') throw new UsageError('use --cron <interval> rather than --tag Cron-Interval=...');
    }
    const cron = opts.cron === undefined ? undefined : await parseCron(opts.cron);
    const data = opts.data === undefined ? undefined : readDataFile(opts.data);

    const network = await openNetwork(opts);
    try {
      const existing = network.resolve(name);
      if (existing) {
        throw new UsageError(`a local process named "${name}" already exists (${existing}). Open it with \`aos-ts ${name}\`, or choose another name.`);
      }
      const { process: proc, result } = await network.spawn(name, { tags, data, cron });
      if (opts.json) {
        printJson({ id: proc.id, name: proc.name, owner: proc.meta.owner, cron: proc.meta.cron ?? null, tags: proc.meta.tags, result });
      } else {
        out(proc.id);
        noticeWriter(opts)(`created local process "${proc.name}"${cron ? ` with cron ${cron}` : ''}; open it with: aos-ts ${proc.name}`);
        const booted = outputText(result);
        if (booted !== '' && result.Error === undefined) noticeWriter(opts)(booted);
      }
      if (result.Error !== undefined) {
        const why = forStream('stderr', result.Error.replace(/^\n+/, ''), opts);
        error(`the process was created, but its boot message failed:\n${why}`);
        return 1;
      }
      return 0;
    } finally {
      await network.close();
    }
  });
}

function readDataFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
    throw new UsageError(`cannot read the --data file "${file}": ${why}. Give the path of a file whose contents become the process Data.`);
  }
}
