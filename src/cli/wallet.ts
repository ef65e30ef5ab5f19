// `aos-ts wallet`: the address and where the key is; never the key.
import { join } from 'node:path';
import { err, out, printJson, runCommand } from './output.js';

export function runWallet(opts: { wallet?: string; json?: boolean }): Promise<number> {
  return runCommand(async () => {
    const { loadWallet } = await import('../remote/wallet.js');
    const w = await loadWallet(opts.wallet, err);
    if (opts.json) printJson({ address: w.address, path: w.path, created: w.created });
    else out(`${w.address}\n${join(w.path)}`);
    return 0;
  });
}
