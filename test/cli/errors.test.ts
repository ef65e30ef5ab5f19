// Errors as the CLI shows them (issue 15 items 4 and 7): where the user's code
// failed and the source line, none of the OS's positions or frames, no colour
// codes off a terminal, and a refused transfer's reason with exit code 1.
import { afterEach, describe, expect, it } from 'vitest';
import { aos } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir } from '../helpers/temp.js';

afterEach(() => removeTempDirs());

describe('errors in script mode', () => {
  it('--run error("bad") names the input line, shows it, and nothing of the OS', async () => {
    const dataDir = tempDataDir();
    const r = await aos(['--run', 'local a = 1\nerror("bad")'], { dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('input:2: bad\n   2 | error("bad")');
    expect(r.stderr).not.toMatch(/\.handlers|^error:/m);
  });

  it('--json carries no colour codes when stdout is not a terminal, and keeps them with FORCE_COLOR', async () => {
    const dataDir = tempDataDir();
    const plain = await aos(['--json', '--run', 'error("bad")'], { dataDir });
    expect(plain.code).toBe(1);
    const error = JSON.parse(plain.stdout).Error as string;
    expect(error).toContain('bad');
    expect(error).not.toContain('\u001b[');
    const coloured = await aos(['--json', '--run', 'error("bad")'], { dataDir, env: { FORCE_COLOR: '1' } });
    expect(JSON.parse(coloured.stdout).Error).toContain('\u001b[31m');
  });

  it('a memory-limit stop is one notice, without the "not enough memory" error after it', async () => {
    const dataDir = tempDataDir();
    // --timeout 60: on a loaded machine the 3 s default could stop the fill before the memory limit does.
    const r = await aos(['--memory', '8', '--timeout', '60', '--run', 't = {} for i = 1, 1e8 do t[i] = ("x"):rep(100) .. i end'], { dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Stopped: the process tried to use more than its 8 MiB memory limit/);
    expect(r.stderr).not.toMatch(/not enough memory|error:/);
  });

  it('a handler error from send shows the error once, without the OS traceback', async () => {
    const dataDir = tempDataDir();
    await aos(['--run', 'Handlers.add("boom", "Boom", function(m)\n  local x = nil\n  return x.y\nend)'], { dataDir });
    const r = await aos(['send', 'default', '--action', 'Boom'], { dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/attempt to index a nil value \(local 'x'\)/);
    expect(r.stderr.match(/attempt to index/g)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\.process|\.handlers|shortTraceback|rawpcall/);
  });
});

describe('send: a refusal addressed to you', () => {
  it('shows the reason of a Transfer-Error and exits 1', async () => {
    const dataDir = tempDataDir();
    await aos(['spawn', 'tok'], { dataDir });
    const load = `Balances = {} Handlers.add("t", "Transfer", function(m)
      if (Balances[m.From] or 0) < tonumber(m.Quantity) then
        m.reply({ Action = "Transfer-Error", ["Message-Id"] = m.Id, Error = "Insufficient Balance!" })
      end
    end)`;
    expect((await aos(['tok', '--run', load], { dataDir })).code).toBe(0);
    const r = await aos(['send', 'tok', '--action', 'Transfer', '--tag', 'Recipient=' + 'b'.repeat(43), '--tag', 'Quantity=5'], { dataDir });
    expect(r.stderr).toMatch(/Transfer-Error from \S+: Insufficient Balance!/);
    expect(r.code).toBe(1);
    const ok = await aos(['send', 'tok', '--action', 'Other'], { dataDir });
    expect(ok.code).toBe(0);
  });
});
