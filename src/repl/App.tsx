// The shell on screen: the transcript scrolls into the terminal's own
// scrollback (<Static>), and below it live only the spinner or the line being
// typed. Live messages are transcript items too, so they appear above the
// input line without disturbing it.
import React, { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Box, Static, Text, useApp, useStdin, useStdout } from 'ink';
import Spinner from 'ink-spinner';
import { stripAnsi } from '../text/ansi.js';
import { textWidth } from '../text/width.js';
import { wrapWords } from '../text/wrap.js';
import { KeyDecoder } from './keys.js';
import type { ReplSession } from './session.js';
import { itemText, type TranscriptItem } from './transcript.js';

const SPINNER_AFTER_MS = 150;
/** Input that arrives this soon after the shell starts listening was typed before it did. */
const TYPEAHEAD_MS = 50;

export function App({ session, color }: { session: ReplSession; color: boolean }) {
  const view = useSyncExternalStore(session.subscribe, session.getView);
  const { exit } = useApp();
  const { stdin, setRawMode, isRawModeSupported } = useStdin();
  const decoder = useRef(new KeyDecoder());
  const chain = useRef<Promise<void>>(Promise.resolve());
  const paint = (text: string) => (color ? text : stripAnsi(text));
  const { stdout } = useStdout();
  // notices and errors are prose: broken between words here, so Ink never starts a line with the space
  const prose = (text: string) => wrapWords(text, stdout.columns ?? 0, textWidth);

  useEffect(() => {
    if (!isRawModeSupported) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [isRawModeSupported, setRawMode]);

  useEffect(() => {
    // stdin's own 'data' events (public API); Ink reads the same chunks for its own use.
    const listening = Date.now();
    const onInput = (data: string | Buffer) => {
      const text = data.toString();
      // Lines typed before the shell read its input come at once as soon as it
      // does, with the Enters the terminal turned into "\n": each is a line of
      // its own, as typed, not a paste (a person cannot paste that fast).
      const typeahead = Date.now() - listening < TYPEAHEAD_MS && !text.includes('\r');
      // Keys are handled strictly in order, even when one has to wait (Enter).
      for (const key of decoder.current.decode(text, { typeahead })) {
        // Ctrl-C while waiting must not queue behind the Enter it interrupts.
        if (key.type === 'ctrl-c' && session.getView().busy) void session.handleKey(key);
        else chain.current = chain.current.then(() => session.handleKey(key)).catch(() => undefined);
      }
    };
    stdin.on('data', onInput);
    return () => {
      stdin.off('data', onInput);
    };
  }, [stdin, session]);

  useEffect(() => {
    if (view.exited) exit();
  }, [view.exited, exit]);

  const [, tick] = useState(0);
  useEffect(() => {
    if (!view.busy) return;
    const t = setInterval(() => tick((n) => n + 1), 100);
    return () => clearInterval(t);
  }, [view.busy]);

  const elapsed = view.busy ? Date.now() - view.busy.since : 0;
  return (
    <>
      <Static items={view.items as TranscriptItem[]}>{(item) => <TranscriptLine key={item.id} item={item} paint={paint} prose={prose} columns={stdout.columns} />}</Static>
      {view.exited ? null : view.busy ? (
        elapsed >= SPINNER_AFTER_MS ? (
          <Text>
            <Text color="green">
              <Spinner type="dots" />
            </Text>
            <Text dimColor>
              {' '}
              {view.busy.label} {(elapsed / 1000).toFixed(1)}s · Ctrl-C stops waiting
            </Text>
          </Text>
        ) : null
      ) : (
        <Box flexDirection="column">
          {view.pendingLines.map((line, i) => (
            <Text key={i}>
              <Text dimColor>{i === 0 && view.mode === 'continue' ? paint(view.prompt) : '... '}</Text>
              {line}
            </Text>
          ))}
          <InputLine prompt={view.mode === 'normal' ? paint(view.prompt) : view.mode === 'editor' ? 'editor> ' : '... '} text={view.editor.text} cursor={view.editor.cursor} />
          {view.hint ? <Text dimColor>{prose(view.hint)}</Text> : null}
        </Box>
      )}
    </>
  );
}

/** One transcript item on screen: the one place that decides how each type looks. */
function TranscriptLine({ item, paint, prose, columns }: { item: TranscriptItem; paint: (text: string) => string; prose: (text: string) => string; columns?: number }) {
  const text = paint(itemText(item, columns));
  switch (item.type) {
    case 'error':
      return <Text color="red">{prose(text)}</Text>;
    case 'notice':
      return <Text dimColor>{prose(text)}</Text>;
    case 'table':
      return <Text dimColor={item.dim === true}>{text}</Text>;
    default:
      return <Text>{text}</Text>;
  }
}

/** The prompt and the line being typed, with the cursor drawn as an inverse cell. */
function InputLine({ prompt, text, cursor }: { prompt: string; text: string; cursor: number }) {
  const before = text.slice(0, cursor);
  const at = text.slice(cursor, cursor + 1);
  const after = text.slice(cursor + 1);
  const showAt = at === '' || at === '\n' ? ' ' : at;
  return (
    <Text>
      {prompt}
      {before}
      <Text inverse>{showAt}</Text>
      {at === '\n' ? '\n' : ''}
      {after}
    </Text>
  );
}
