// The line being typed: text and a cursor, and the edits keys make to it.

export interface EditorState {
  text: string;
  cursor: number;
}

export const EMPTY: EditorState = { text: '', cursor: 0 };

export function insert(s: EditorState, text: string): EditorState {
  return { text: s.text.slice(0, s.cursor) + text + s.text.slice(s.cursor), cursor: s.cursor + text.length };
}

export function backspace(s: EditorState): EditorState {
  if (s.cursor === 0) return s;
  const before = [...s.text.slice(0, s.cursor)];
  before.pop();
  const head = before.join('');
  return { text: head + s.text.slice(s.cursor), cursor: head.length };
}

export function deleteForward(s: EditorState): EditorState {
  if (s.cursor >= s.text.length) return s;
  const after = [...s.text.slice(s.cursor)];
  after.shift();
  return { text: s.text.slice(0, s.cursor) + after.join(''), cursor: s.cursor };
}

export function moveLeft(s: EditorState): EditorState {
  if (s.cursor === 0) return s;
  const before = [...s.text.slice(0, s.cursor)];
  before.pop();
  return { ...s, cursor: before.join('').length };
}

export function moveRight(s: EditorState): EditorState {
  if (s.cursor >= s.text.length) return s;
  const next = [...s.text.slice(s.cursor)][0]!;
  return { ...s, cursor: s.cursor + next.length };
}

export function home(s: EditorState): EditorState {
  return { ...s, cursor: 0 };
}

export function end(s: EditorState): EditorState {
  return { ...s, cursor: s.text.length };
}

export function killToEnd(s: EditorState): EditorState {
  return { text: s.text.slice(0, s.cursor), cursor: s.cursor };
}

export function deleteWordBack(s: EditorState): EditorState {
  const head = s.text.slice(0, s.cursor).replace(/[^\s]*\s*$/, '');
  return { text: head + s.text.slice(s.cursor), cursor: head.length };
}

export function setText(text: string): EditorState {
  return { text, cursor: text.length };
}
