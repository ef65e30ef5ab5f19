// Piped input with dot-commands in it (`echo .help | aos-ts p`): run it as the
// shell would, line by line, and print what the shell would show, instead of
// sending `.help` to the process as Lua. A line that starts with a dot and a
// letter is never Lua (Lua lines may start with `..`, the concatenation).
import type { Connection } from '../connection.js';
import { stripAnsi } from '../text/ansi.js';
import type { SessionServices } from './context.js';
import { ReplSession } from './session.js';
import { itemText } from './transcript.js';

const DOT_LINE = /^\s*\.[A-Za-z]/;

/** True when piped input holds a shell dot-command (then use runShellScript, not one Eval). */
export function hasDotCommand(text: string): boolean {
  return text.split('\n').some((l) => DOT_LINE.test(l));
}

/**
 * Run input as the shell would: Lua between dot-commands goes as one Eval per
 * block, each dot-command runs as typed. `print` gets each transcript item as
 * text (`error` true for errors). Resolves to the exit code: 1 if anything failed.
 */
export async function runShellScript(
  conn: Connection,
  text: string,
  opts: { services?: SessionServices; color?: boolean; print: (text: string, error: boolean) => void },
): Promise<number> {
  const session = new ReplSession(conn, { services: opts.services });
  let shown = 0;
  let failed = false;
  const show = () => {
    const items = session.getView().items;
    for (; shown < items.length; shown++) {
      const item = items[shown]!;
      if (item.type === 'input' || item.type === 'banner') continue;
      const t = itemText(item);
      failed ||= item.type === 'error';
      opts.print(opts.color ? t : stripAnsi(t), item.type === 'error');
    }
  };
  await session.start();
  let block: string[] = [];
  const sendBlock = async () => {
    const source = block.join('\n');
    block = [];
    if (source.trim() === '') return;
    await session.handleKey({ type: 'paste', text: source });
    await session.handleKey({ type: 'enter' });
    // An unfinished block: the shell waits for more; a script has no more to give.
    if (session.getView().mode === 'continue') {
      await session.handleKey({ type: 'ctrl-c' });
      opts.print(`unfinished Lua block at the end of the input:\n${source}`, true);
      failed = true;
    }
    show();
  };
  for (const line of text.split('\n')) {
    if (!DOT_LINE.test(line)) {
      block.push(line);
      continue;
    }
    await sendBlock();
    await session.run(line.trim());
    show();
    if (session.getView().exited) break;
  }
  if (!session.getView().exited) await sendBlock();
  session.exit();
  show();
  return failed ? 1 : 0;
}
