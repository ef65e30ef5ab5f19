// Waiting for a change instead of sleeping a fixed time.

/** Polls `check` until it returns a value other than undefined/false; fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A seeded random source (mulberry32), so a failing run can be repeated: print the seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed for this run: AOS_TS_SEED when set (to repeat a failure), else a fresh one. Printed either way. */
export function testSeed(label: string): number {
  const given = Number(process.env.AOS_TS_SEED);
  const seed = Number.isSafeInteger(given) && process.env.AOS_TS_SEED !== '' ? given : Math.floor(Math.random() * 2 ** 31);
  console.log(`${label}: seed ${seed} (repeat with AOS_TS_SEED=${seed})`);
  return seed;
}

/**
 * How many SIGKILL rounds a crash test runs: `normal` in `npm test`, more
 * for a soak (`AOS_TS_CRASH_ROUNDS=200 npx vitest run --project slow`).
 */
export function crashRounds(normal: number): number {
  const given = Number(process.env.AOS_TS_CRASH_ROUNDS);
  return Number.isSafeInteger(given) && given > 0 ? given : normal;
}
