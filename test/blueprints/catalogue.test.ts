// src/blueprints.ts: listing, user overrides, sources, copying.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blueprintSource, bundledBlueprintsDir, copyBlueprints, listBlueprints } from '../../src/blueprints.js';

const dirs: string[] = [];
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'aos-ts-bp-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

describe('blueprints', () => {
  it('lists the bundled ones with the first comment line as summary', () => {
    const list = listBlueprints({});
    expect(list.map((b) => b.name)).toEqual(['arena', 'chat', 'chatroom', 'htoken', 'patch-legacy-reply', 'scheduler', 'staking', 'token', 'voting']);
    expect(list.every((b) => b.origin === 'bundled' && b.file.startsWith(bundledBlueprintsDir()))).toBe(true);
    expect(list.find((b) => b.name === 'token')!.summary).toMatch(/^Token: the ao standard token/);
  });

  it('adds the user folder from AOS_TS_BLUEPRINTS, overriding same-named ones', () => {
    const user = temp();
    writeFileSync(join(user, 'token.lua'), '-- My token\nTicker = "MINE"');
    writeFileSync(join(user, 'extra.lua'), '\n-- Extra: something of mine\nX = 1');
    const env = { AOS_TS_BLUEPRINTS: user };
    const list = listBlueprints(env);
    expect(list.find((b) => b.name === 'token')).toMatchObject({ origin: 'user', summary: 'My token' });
    expect(list.find((b) => b.name === 'extra')).toMatchObject({ origin: 'user', summary: 'Extra: something of mine' });
    expect(blueprintSource('token', env)).toContain('MINE');
    expect(blueprintSource('token.lua', {})).toContain('Handlers.add("transfer"');
  });

  it('names the known blueprints when asked for an unknown one', () => {
    expect(() => blueprintSource('tokn', {})).toThrow(/no blueprint "tokn"; known blueprints: arena, chat, chatroom, htoken, patch-legacy-reply, scheduler, staking, token, voting/);
  });

  it('says which user folder cannot be read', () => {
    expect(() => listBlueprints({ AOS_TS_BLUEPRINTS: join(temp(), 'nope') })).toThrow(/from AOS_TS_BLUEPRINTS/);
  });

  it('copies into a new folder, refuses to overwrite without force', () => {
    const dest = join(temp(), 'deep', 'bp');
    const copied = copyBlueprints(dest, { env: {} });
    expect(copied.map((f) => f.slice(dest.length + 1)).sort()).toEqual(['arena.lua', 'chat.lua', 'chatroom.lua', 'htoken.lua', 'patch-legacy-reply.lua', 'scheduler.lua', 'staking.lua', 'token.lua', 'voting.lua']);
    writeFileSync(join(dest, 'token.lua'), 'edited');
    expect(() => copyBlueprints(dest, { env: {} })).toThrow(/token\.lua.*already exist.*--force/s);
    expect(readFileSync(join(dest, 'token.lua'), 'utf8')).toBe('edited');
    expect(copyBlueprints(dest, { env: {}, names: ['token'], force: true })).toEqual([join(dest, 'token.lua')]);
    expect(readFileSync(join(dest, 'token.lua'), 'utf8')).toContain('Handlers.add("transfer"');
  });
});
