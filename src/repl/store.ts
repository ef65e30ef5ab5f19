// The shell's view state outside React: a small store that Ink reads with
// useSyncExternalStore and tests read directly.
import * as ed from './editor.js';
import type { ItemBody, TranscriptItem } from './transcript.js';

export interface ViewState {
  items: readonly TranscriptItem[];
  editor: ed.EditorState;
  prompt: string;
  /** Lines already entered of an unfinished chunk, or of .editor mode. */
  pendingLines: readonly string[];
  mode: 'normal' | 'continue' | 'editor';
  busy?: { label: string; since: number };
  hint?: string;
  exited: boolean;
}

export class ViewStore {
  private listeners = new Set<() => void>();
  private nextId = 1;
  private state: ViewState = { items: [], editor: ed.EMPTY, prompt: 'aos> ', pendingLines: [], mode: 'normal', exited: false };

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getView = (): ViewState => this.state;

  set(patch: Partial<ViewState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  add(body: ItemBody): void {
    this.set({ items: [...this.state.items, { ...body, id: this.nextId++ }] });
  }
}
