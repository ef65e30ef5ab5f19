// The live feed as the shell shows it: while your own input is being handled,
// messages wait so its result shows first; then they show in order, none lost.
import type { LiveMessage } from '../connection.js';

export class LiveBuffer {
  private held: LiveMessage[] = [];
  /** .pause: hold every message until .live. */
  paused = false;

  constructor(
    private readonly isBusy: () => boolean,
    private readonly show: (m: LiveMessage) => void,
  ) {}

  receive(m: LiveMessage): void {
    if (this.paused || this.isBusy()) this.held.push(m);
    else this.show(m);
  }

  get heldCount(): number {
    return this.held.length;
  }

  flush(): void {
    if (this.paused) return;
    const held = this.held;
    this.held = [];
    for (const m of held) this.show(m);
  }
}
