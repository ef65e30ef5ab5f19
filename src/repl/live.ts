// The live feed as the shell shows it: while your own input is being handled,
// messages wait so its result shows first; then they show in order, none lost.
import type { LiveMessage } from '../connection.js';

export class LiveBuffer {
  private held: LiveMessage[] = [];

  constructor(
    private readonly isBusy: () => boolean,
    private readonly show: (m: LiveMessage) => void,
  ) {}

  receive(m: LiveMessage): void {
    if (this.isBusy()) this.held.push(m);
    else this.show(m);
  }

  flush(): void {
    const held = this.held;
    this.held = [];
    for (const m of held) this.show(m);
  }
}
