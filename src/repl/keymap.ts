// Key dispatch: what each key does to the line being typed, and which keys
// are actions the session handles itself (Enter, Tab, Ctrl-C ...).
import * as ed from './editor.js';
import type { Key } from './keys.js';

export type KeyAction =
  | { kind: 'edit'; editor: ed.EditorState }
  | { kind: 'history'; direction: 'older' | 'newer' }
  | { kind: 'enter' }
  | { kind: 'tab' }
  | { kind: 'ctrl-c' }
  | { kind: 'ctrl-d' }
  | { kind: 'clear-screen' }
  | { kind: 'none' };

export function actionFor(key: Key, editor: ed.EditorState): KeyAction {
  const edit = (next: ed.EditorState): KeyAction => ({ kind: 'edit', editor: next });
  switch (key.type) {
    case 'text':
      return edit(ed.insert(editor, key.text));
    case 'paste':
      return edit(ed.insert(editor, key.text.replace(/\n+$/, '')));
    case 'backspace':
      return edit(ed.backspace(editor));
    case 'delete':
      return edit(ed.deleteForward(editor));
    case 'left':
      return edit(ed.moveLeft(editor));
    case 'right':
      return edit(ed.moveRight(editor));
    case 'home':
      return edit(ed.home(editor));
    case 'end':
      return edit(ed.end(editor));
    case 'kill-line':
      return edit(ed.EMPTY);
    case 'kill-to-end':
      return edit(ed.killToEnd(editor));
    case 'delete-word':
      return edit(ed.deleteWordBack(editor));
    case 'up':
      return { kind: 'history', direction: 'older' };
    case 'down':
      return { kind: 'history', direction: 'newer' };
    case 'tab':
      return { kind: 'tab' };
    case 'clear-screen':
      return { kind: 'clear-screen' };
    case 'ctrl-c':
      return { kind: 'ctrl-c' };
    case 'ctrl-d':
      return { kind: 'ctrl-d' };
    case 'enter':
      return { kind: 'enter' };
    case 'escape':
      return { kind: 'none' };
  }
}
