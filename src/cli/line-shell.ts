// A plain line shell over a Connection: each line is an Eval, the prompt
// comes from the process. (The full Ink shell is its own piece of work.)
import { createInterface } from 'node:readline';
import type { Connection } from '../connection.js';
import type { MainOptions } from './options.js';
import { outputText, stripAnsi, useColor } from './output.js';

export async function startLineShell(conn: Connection, opts: MainOptions): Promise<number> {
  const color = useColor(opts.color, process.stdout);
  const paint = (text: string) => (color ? text : stripAnsi(text));
  const info = conn.info();
  if (!opts.quiet) {
    process.stdout.write(
      paint(`\u001b[32maos-ts\u001b[0m \u001b[90m· process\u001b[0m ${info.name} \u001b[90m(${info.id})\u001b[0m\n`) +
        paint(`\u001b[90mstate in ${info.location ?? info.network} · type Lua to evaluate it · .exit or Ctrl-D to leave\u001b[0m\n`),
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true, historySize: 1000 });
  rl.setPrompt(paint(await conn.prompt()));
  rl.prompt();
  for await (const line of rl) {
    const code = line.trim();
    if (code === '.exit') break;
    if (code !== '') {
      rl.pause();
      const result = await conn.eval(line);
      if (result.Error !== undefined) process.stdout.write(`${paint(`\u001b[31m${result.Error.replace(/^\n+/, '')}\u001b[0m`)}\n`);
      else {
        const text = outputText(result);
        if (text !== '') process.stdout.write(`${paint(text)}\n`);
      }
      rl.setPrompt(paint(await conn.prompt()));
      rl.resume();
    }
    rl.prompt();
  }
  rl.close();
  return 0;
}
