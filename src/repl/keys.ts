// Turns what the terminal sends into keys. The shell reads stdin's own chunks,
// so one chunk may hold text, several escape sequences ("\x1b[A\x1b[A" from a
// held arrow key), or "text\r" from tmux or a fast typist; a paste arrives
// between ESC[200~ and ESC[201~ (bracketed paste).

export type Key =
  | { type: 'text'; text: string }
  | { type: 'paste'; text: string }
  | { type: 'enter' }
  | { type: 'backspace' }
  | { type: 'delete' }
  | { type: 'left' }
  | { type: 'right' }
  | { type: 'up' }
  | { type: 'down' }
  | { type: 'home' }
  | { type: 'end' }
  | { type: 'tab' }
  | { type: 'ctrl-c' }
  | { type: 'ctrl-d' }
  | { type: 'kill-line' }
  | { type: 'kill-to-end' }
  | { type: 'delete-word' }
  | { type: 'clear-screen' }
  | { type: 'escape' };

const PASTE_START = '\u001b[200~';
const PASTE_END = '\u001b[201~';

const SEQUENCES: Record<string, Key> = {
  '\u001b[A': { type: 'up' },
  '\u001bOA': { type: 'up' },
  '\u001b[B': { type: 'down' },
  '\u001bOB': { type: 'down' },
  '\u001b[C': { type: 'right' },
  '\u001bOC': { type: 'right' },
  '\u001b[D': { type: 'left' },
  '\u001bOD': { type: 'left' },
  '\u001b[H': { type: 'home' },
  '\u001bOH': { type: 'home' },
  '\u001b[1~': { type: 'home' },
  '\u001b[7~': { type: 'home' },
  '\u001b[F': { type: 'end' },
  '\u001bOF': { type: 'end' },
  '\u001b[4~': { type: 'end' },
  '\u001b[8~': { type: 'end' },
  '\u001b[3~': { type: 'delete' },
  '\u001b': { type: 'escape' },
  '\u001b\u007f': { type: 'delete-word' },
};

const CONTROL: Record<string, Key> = {
  '\r': { type: 'enter' },
  '\n': { type: 'enter' },
  '\u007f': { type: 'backspace' },
  '\b': { type: 'backspace' },
  '\t': { type: 'tab' },
  '\u0003': { type: 'ctrl-c' },
  '\u0004': { type: 'ctrl-d' },
  '\u0001': { type: 'home' },
  '\u0005': { type: 'end' },
  '\u0002': { type: 'left' },
  '\u0006': { type: 'right' },
  '\u0010': { type: 'up' },
  '\u000e': { type: 'down' },
  '\u0015': { type: 'kill-line' },
  '\u000b': { type: 'kill-to-end' },
  '\u0017': { type: 'delete-word' },
  '\u000c': { type: 'clear-screen' },
};

/** Decodes input events, remembering whether a bracketed paste is open. */
export class KeyDecoder {
  private pasting = false;
  private pasted = '';

  /**
   * `typeahead`: the event holds what was typed before the shell read its
   * input (the terminal kept it, line by line): its lines are Enters, each
   * run on its own, as if typed at the prompt, not one paste.
   */
  decode(event: string, opts: { typeahead?: boolean } = {}): Key[] {
    const keys: Key[] = [];
    let rest = event;
    while (rest.length > 0) {
      if (this.pasting) {
        const end = rest.indexOf(PASTE_END);
        if (end === -1) {
          this.pasted += rest;
          return keys;
        }
        this.pasted += rest.slice(0, end);
        keys.push({ type: 'paste', text: this.pasted.replace(/\r\n?/g, '\n') });
        this.pasting = false;
        this.pasted = '';
        rest = rest.slice(end + PASTE_END.length);
        continue;
      }
      if (rest.startsWith(PASTE_START)) {
        this.pasting = true;
        rest = rest.slice(PASTE_START.length);
        continue;
      }
      if (rest.startsWith('\u001b')) {
        const seq = escapeSequence(rest);
        keys.push(SEQUENCES[seq] ?? { type: 'escape' });
        rest = rest.slice(seq.length);
        continue;
      }
      const esc = rest.indexOf('\u001b');
      keys.push(...decodeText(esc === -1 ? rest : rest.slice(0, esc), opts.typeahead === true));
      if (esc === -1) return keys;
      rest = rest.slice(esc);
    }
    return keys;
  }
}

// CSI (ESC [ params final), SS3 (ESC O letter), ESC DEL (Alt-Backspace); anything else is a lone ESC.
const CSI = /^\u001b\[[0-9;]*[~A-Za-z]/;
const SS3 = /^\u001bO[A-Za-z]/;

/** The escape sequence at the start of `text` (it starts with ESC). */
function escapeSequence(text: string): string {
  if (text.startsWith(PASTE_START)) return PASTE_START;
  const m = CSI.exec(text) ?? SS3.exec(text);
  if (m) return m[0];
  if (text[1] === '\u007f') return text.slice(0, 2);
  return '\u001b';
}

/**
 * Several lines in one input event are a paste from a terminal without
 * bracketed paste (keys typed by a person arrive one event each): one paste
 * key, then Enter if it ended with a newline, so it runs as one Eval, not line by line.
 */
function pasteBurst(text: string): Key[] | undefined {
  const normal = text.replace(/\r\n?/g, '\n');
  const body = normal.replace(/\n+$/, '');
  if (!body.includes('\n')) return undefined;
  // eslint-disable-next-line no-control-regex
  const keys: Key[] = [{ type: 'paste', text: body.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '') }];
  if (body.length < normal.length) keys.push({ type: 'enter' });
  return keys;
}

function decodeText(text: string, typeahead: boolean): Key[] {
  const burst = typeahead ? undefined : pasteBurst(text);
  if (burst) return burst;
  const keys: Key[] = [];
  let run = '';
  const flush = () => {
    if (run) keys.push({ type: 'text', text: run });
    run = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    // CRLF from a pasted Windows line (outside bracketed paste) is one Enter.
    if (ch === '\r' && text[i + 1] === '\n') i += 1;
    const control = CONTROL[ch];
    if (control) {
      flush();
      keys.push(control);
    } else if (ch >= ' ' || ch > '\u007f') {
      run += ch;
    }
  }
  flush();
  return keys;
}
