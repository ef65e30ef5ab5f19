import { describe, expect, it, onTestFinished } from 'vitest';
import { KeyDecoder } from '../../src/repl/keys.js';
import * as ed from '../../src/repl/editor.js';
import { InputHistory } from '../../src/repl/history.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('KeyDecoder', () => {
  it('splits a run of text and control characters into keys', () => {
    const keys = new KeyDecoder().decode('x = 1\r');
    expect(keys).toEqual([{ type: 'text', text: 'x = 1' }, { type: 'enter' }]);
  });

  it('keeps a bracketed paste whole, even split across events and with newlines', () => {
    const d = new KeyDecoder();
    expect(d.decode('\u001b[200~')).toEqual([]);
    expect(d.decode('local a = 1\r\nlocal b')).toEqual([]);
    expect(d.decode(' = 2\n')).toEqual([]);
    expect(d.decode('\u001b[201~')).toEqual([{ type: 'paste', text: 'local a = 1\nlocal b = 2\n' }]);
    expect(d.decode('z')).toEqual([{ type: 'text', text: 'z' }]);
  });

  it('knows arrows, home/end, delete and control keys', () => {
    const d = new KeyDecoder();
    expect(d.decode('\u001b[A')).toEqual([{ type: 'up' }]);
    expect(d.decode('\u001bOB')).toEqual([{ type: 'down' }]);
    expect(d.decode('\u001b[3~')).toEqual([{ type: 'delete' }]);
    expect(d.decode('\u0003\u0004\t\u007f')).toEqual([{ type: 'ctrl-c' }, { type: 'ctrl-d' }, { type: 'tab' }, { type: 'backspace' }]);
    expect(d.decode('a\r')).toEqual([{ type: 'text', text: 'a' }, { type: 'enter' }]);
  });

  it('takes several lines in one event as a paste (a terminal without bracketed paste), not line by line', () => {
    const d = new KeyDecoder();
    expect(d.decode('a\r\nb')).toEqual([{ type: 'paste', text: 'a\nb' }]);
    expect(d.decode('local x = 1\nreturn x\n')).toEqual([{ type: 'paste', text: 'local x = 1\nreturn x' }, { type: 'enter' }]);
    expect(d.decode('x = 1\r\r')).toEqual([{ type: 'text', text: 'x = 1' }, { type: 'enter' }, { type: 'enter' }]);
  });

  it('takes lines typed before the shell listened (typeahead) one by one, each with its Enter', () => {
    const d = new KeyDecoder();
    expect(d.decode('x = 41\nx + 1\n', { typeahead: true })).toEqual([
      { type: 'text', text: 'x = 41' },
      { type: 'enter' },
      { type: 'text', text: 'x + 1' },
      { type: 'enter' },
    ]);
    // An unfinished last line stays on the prompt, not run.
    expect(d.decode('a = 1\nb', { typeahead: true })).toEqual([{ type: 'text', text: 'a = 1' }, { type: 'enter' }, { type: 'text', text: 'b' }]);
  });
});

describe('line editing', () => {
  it('inserts, moves and deletes by whole characters', () => {
    let s = ed.insert(ed.EMPTY, 'héllo 😀');
    s = ed.backspace(s);
    expect(s).toEqual({ text: 'héllo ', cursor: 6 });
    s = ed.moveLeft(ed.moveLeft(s));
    s = ed.insert(s, 'X');
    expect(s.text).toBe('héllXo ');
    expect(ed.deleteWordBack(ed.end(ed.setText('foo bar baz'))).text).toBe('foo bar ');
    expect(ed.killToEnd({ text: 'abcdef', cursor: 2 }).text).toBe('ab');
    expect(ed.deleteForward({ text: 'abc', cursor: 0 })).toEqual({ text: 'bc', cursor: 0 });
  });
});

describe('InputHistory', () => {
  it('walks older and newer, keeps the draft, skips repeats, and persists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aos-hist-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'h.json');
    const h = new InputHistory(file);
    h.add('one');
    h.add('two');
    h.add('two');
    expect(h.older('dra')).toBe('two');
    expect(h.older('ignored')).toBe('one');
    expect(h.older('x')).toBeUndefined();
    expect(h.newer()).toBe('two');
    expect(h.newer()).toBe('dra');
    expect(h.newer()).toBeUndefined();
    expect(new InputHistory(file).all).toEqual(['one', 'two']);
  });
});

describe('chunks as stdin delivers them', () => {
  it('splits several escape sequences and text in one chunk', () => {
    const d = new KeyDecoder();
    expect(d.decode('\u001b[A\u001b[Aab\u001b[D\r')).toEqual([{ type: 'up' }, { type: 'up' }, { type: 'text', text: 'ab' }, { type: 'left' }, { type: 'enter' }]);
    expect(d.decode('x\u001b[3~\u001bOH\u001b\u007f')).toEqual([{ type: 'text', text: 'x' }, { type: 'delete' }, { type: 'home' }, { type: 'delete-word' }]);
  });

  it('a paste after text in the same chunk, and text after it', () => {
    const d = new KeyDecoder();
    expect(d.decode('a\u001b[200~b\nc\u001b[201~d')).toEqual([{ type: 'text', text: 'a' }, { type: 'paste', text: 'b\nc' }, { type: 'text', text: 'd' }]);
  });

  it('an unknown sequence is one escape, not text', () => {
    expect(new KeyDecoder().decode('\u001b[99zq')).toEqual([{ type: 'escape' }, { type: 'text', text: 'q' }]);
  });
});
