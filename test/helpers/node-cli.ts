// A real `aos-ts serve` started in the test file, a wallet, and the CLI run
// in-process against them with a config folder of its own (no remembered
// settings leak between files). Registers the file's beforeAll/afterAll.
import { afterAll, beforeAll } from 'vitest';
import { startNode, type RunningNode } from '../../src/node/server.js';
import { aos, type CliRun } from './cli.js';
import { removeTempDirs, tempDataDir } from './temp.js';
import { testWalletFile } from './wallet.js';

export interface NodeCli {
  readonly node: RunningNode;
  readonly walletFile: string;
  /** The environment the CLI runs with: its own XDG_CONFIG_HOME, no colours. */
  readonly env: Record<string, string>;
  /** The data folder aosTs() uses. */
  readonly dataDir: string;
  aosTs(args: string[]): Promise<CliRun>;
}

export function nodeCli(): NodeCli {
  let node: RunningNode | undefined;
  let walletFile: string | undefined;
  const dataDir = tempDataDir();
  const env = { XDG_CONFIG_HOME: tempDataDir(), NO_COLOR: '1' };
  beforeAll(async () => {
    node = await startNode({ dataDir: tempDataDir(), port: 0 });
    walletFile = await testWalletFile(tempDataDir());
  }, 60_000);
  afterAll(async () => {
    await node?.close();
    removeTempDirs();
  });
  return {
    get node() {
      if (!node) throw new Error('the node starts in beforeAll');
      return node;
    },
    get walletFile() {
      if (!walletFile) throw new Error('the wallet is made in beforeAll');
      return walletFile;
    },
    env,
    dataDir,
    aosTs: (args) => aos(args, { dataDir, env }),
  };
}
