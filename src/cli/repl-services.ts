// What the shell's dot-commands need from the host: the .load bundler,
// blueprints, and local names for .send.
import type { SessionServices } from '../repl/session.js';

export function replServices(resolveTarget: (nameOrId: string) => Promise<string | undefined>): SessionServices {
  return {
    resolveTarget: (nameOrId) => resolveTarget(nameOrId).catch(() => undefined),
  };
}
