// The main action, `aos-ts [process]`: open the process (connect.ts), then
// --run / piped Lua (script.ts), or the shell for a person (shell.ts).
import { readFileSync } from 'node:fs';
import { isId } from '../local/ids.js';
import { decide, openLocal, openRemoteConnection, type WhereOptions } from './connect.js';
import { io, noticeWriter, runCommand, UsageError } from './output.js';
import type { MainOptions } from './options.js';
import { runScript } from './script.js';
import { trace } from '../text/trace.js';

export function runMain(name: string, opts: WhereOptions): Promise<number> {
  return runCommand(async () => {
    const side = await decide(name, opts);
    trace('run: decided');
    const { stdin, stderr } = io();
    const forPerson = opts.run === undefined && stdin.isTTY === true;
    const spawnFlags = spawnFlagsOf(opts);
    if (side.kind === 'remote' && spawnFlags !== undefined && isId(side.target)) {
      throw new UsageError(`--tag-name/--tag-value, --cron and --data apply when a process is spawned; ${side.target} is an id of one that exists.`);
    }
    if (side.kind === 'local') {
      if (spawnFlags !== undefined) await spawnFirst(side.name, spawnFlags, opts);
      if (forPerson) {
        const { localShell } = await import('./shell.js');
        return localShell(side.name, opts);
      }
      const conn = await openLocal(side.name, opts);
      trace('process open');
      try {
        return await runScript(conn, opts);
      } finally {
        trace('script done');
        await conn.close();
        trace('closed');
      }
    }
    const flags = { ...side.flags, quiet: opts.quiet, color: opts.color, dataDir: opts.dataDir };
    const spawn = spawnFlags !== undefined ? await remoteSpawnExtras(spawnFlags) : undefined;
    const conn = await openRemoteConnection(side.target, { ...flags, spawn }, stdin.isTTY === true && stderr.isTTY === true);
    try {
      if (spawn !== undefined && !conn.created) {
        throw new UsageError(`"${side.target}" exists already (${conn.info().id}); --tag-name/--tag-value, --cron and --data only apply when a process is spawned.`);
      }
      if (!forPerson) return await runScript(conn, opts);
      const { remoteShell } = await import('./shell.js');
      return await remoteShell(conn, opts);
    } finally {
      await conn.close();
    }
  });
}

interface SpawnFlags {
  tags: { name: string; value: string }[];
  cron?: string;
  data?: string;
}

/** aos's spawn flags on the main command, checked; undefined when none was given. */
function spawnFlagsOf(opts: MainOptions): SpawnFlags | undefined {
  const names = opts.tagName ?? [];
  const values = opts.tagValue ?? [];
  if (names.length === 0 && values.length === 0 && opts.cron === undefined && opts.data === undefined) return undefined;
  if (names.length !== values.length) {
    throw new UsageError(`${names.length} --tag-name but ${values.length} --tag-value: give each tag as a pair, --tag-name X --tag-value Y.`);
  }
  return { tags: names.map((name, i) => ({ name, value: values[i]! })), cron: opts.cron, data: opts.data };
}

/** aos's spawn tags for a process on AO: the --tag-name/--tag-value pairs, then Cron-Interval and Cron-Tag-Action=Cron; --data's file as Data. */
async function remoteSpawnExtras(flags: SpawnFlags): Promise<{ tags: { name: string; value: string }[]; data?: string }> {
  const { parseCron } = await import('./common.js');
  const tags = [...flags.tags];
  if (flags.cron !== undefined) tags.push({ name: 'Cron-Interval', value: await parseCron(flags.cron) }, { name: 'Cron-Tag-Action', value: 'Cron' });
  return { tags, data: flags.data !== undefined ? readData(flags.data) : undefined };
}

function readData(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --data ${file}: ${(e as Error).message}`);
  }
}

/** Create the local process with the spawn flags when it does not exist yet; refuse them for one that does. */
async function spawnFirst(name: string, flags: SpawnFlags, opts: MainOptions): Promise<void> {
  const [{ LocalNetwork }, { resolveDataDir }, { parseCron }] = await Promise.all([
    import('../local/network.js'),
    import('../local/paths.js'),
    import('./common.js'),
  ]);
  const network = new LocalNetwork(resolveDataDir(opts.dataDir));
  try {
    if (network.resolve(name) !== undefined) {
      throw new UsageError(`"${name}" exists already; --tag-name/--tag-value, --cron and --data only apply when a process is created.`);
    }
    const cron = flags.cron !== undefined ? await parseCron(flags.cron) : undefined;
    const data = flags.data !== undefined ? readData(flags.data) : undefined;
    const { process } = await network.spawn(name, { tags: flags.tags, cron, data });
    noticeWriter(opts)(`created local process "${process.name}" (${process.id})${cron ? ` with cron ${cron}` : ''}`);
  } finally {
    await network.close();
  }
}
