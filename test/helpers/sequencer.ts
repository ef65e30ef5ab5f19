// The order `npm test` starts its files in, so that the two workers finish
// together: the longest files first (a long file started last would run on
// alone), then the shorter ones, which fill the gaps. The project `slow`
// comes first, then `fast` and `shared`, each in one run, so their workers
// keep their imported module graph from file to file (all three are
// non-isolated, and vitest reuses a worker only while the next file queued is
// of the same project). The slow project holds the longest files, so this is
// close to longest-first overall.
//
// How long a file takes comes from vitest's own record of the last run when
// there is one (the cache under node_modules/.vite), else from the figures
// below (seconds, measured on the 2-core CI machine), else a default. A fresh
// clone has no record, which is why the figures are here: keep the slowest
// ones roughly right when a file gets much slower or faster.
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const MEASURED: Record<string, number> = {
  'test/local/network-crash.test.ts': 19,
  'test/e2e/walk-tmux.test.ts': 16,
  'test/remote/remote.test.ts': 14,
  'test/engine/time-limit.test.ts': 5,
  'test/e2e/repl-tmux.test.ts': 8.5,
  'test/e2e/held-shell-tmux.test.ts': 6,
  'test/node/serve-safety.test.ts': 7,
  'test/cli/watch-list.test.ts': 6.5,
  'test/publish/publish.test.ts': 6,
  'test/blueprints/token.test.ts': 6,
  'test/repl/terminal.test.ts': 5.7,
  'test/local/parallel-lanes.test.ts': 5.5,
  'test/e2e/shell15-tmux.test.ts': 5.5,
  'test/node/serve.test.ts': 5.2,
  'test/lua/crypto.test.ts': 5,
  'test/repl/session.test.ts': 5,
  'test/local/store-cli.test.ts': 4.6,
  'test/local/message-log-crash.test.ts': 4.5,
  'test/publish/cli.test.ts': 4.5,
  'test/local/local-process.test.ts': 4.4,
  'test/repl/monitor.test.ts': 4,
  'test/local/held-elsewhere.test.ts': 4,
  'test/local/lanes-crash.test.ts': 4,
  'test/cli/send.test.ts': 4,
  'test/e2e/remote-repl-tmux.test.ts': 3.5,
  'test/local/service.test.ts': 3.5,
  'test/local/store-damage.test.ts': 3.4,
  'test/local/network-steps.test.ts': 3.4,
  'test/local/network.test.ts': 3.3,
  'test/local/release.test.ts': 3.1,
  'test/node/clients-safety.test.ts': 6.5,
  'test/engine/batch.test.ts': 3,
  'test/local/batched-delivery.test.ts': 2.2,
  'test/node/open-bound.test.ts': 1.8,
  'test/local/id-index.test.ts': 1.7,
};
/** A file not measured yet: most files take a second or less. */
const DEFAULT_SECONDS = 1;

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const seconds = (spec: TestSpecification): number => {
      const path = relative(root, spec.moduleId);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`)?.duration;
      return cached !== undefined && cached > 0 ? cached / 1000 : (MEASURED[path] ?? DEFAULT_SECONDS);
    };
    const shared = (spec: TestSpecification): number => (spec.project.config.isolate === false ? 1 : 0);
    return [...files].sort(
      (a, b) =>
        a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder ||
        shared(a) - shared(b) ||
        (shared(a) === 1 && a.project.name !== b.project.name ? (a.project.name < b.project.name ? -1 : 1) : 0) ||
        seconds(b) - seconds(a),
    );
  }
}
