// The main action, `aos-ts [process]`: open the process (connect.ts), then
// --run / piped Lua (script.ts), or the shell for a person (shell.ts).
import { decide, openLocal, openRemoteConnection, type WhereOptions } from './connect.js';
import { io, runCommand } from './output.js';
import { runScript } from './script.js';

export function runMain(name: string, opts: WhereOptions): Promise<number> {
  return runCommand(async () => {
    const side = await decide(name, opts);
    const { stdin, stderr } = io();
    const forPerson = opts.run === undefined && stdin.isTTY === true;
    if (side.kind === 'local') {
      if (forPerson) {
        const { localShell } = await import('./shell.js');
        return localShell(side.name, opts);
      }
      const conn = await openLocal(side.name, opts);
      try {
        return await runScript(conn, opts);
      } finally {
        await conn.close();
      }
    }
    const flags = { ...side.flags, quiet: opts.quiet, color: opts.color, dataDir: opts.dataDir };
    const conn = await openRemoteConnection(side.target, flags, stdin.isTTY === true && stderr.isTTY === true);
    try {
      if (!forPerson) return await runScript(conn, opts);
      const { remoteShell } = await import('./shell.js');
      return await remoteShell(conn, opts);
    } finally {
      await conn.close();
    }
  });
}
