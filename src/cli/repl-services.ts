// What the shell's dot-commands need from the host: the .load bundler,
// blueprints, and local names for .send.
import type { SessionServices } from '../repl/session.js';
import type { LocalNetwork } from '../local/network.js';

export function replServices(network?: LocalNetwork): SessionServices {
  return {
    resolveTarget: (nameOrId) => {
      try {
        return network?.resolve(nameOrId);
      } catch {
        return undefined;
      }
    },
  };
}
