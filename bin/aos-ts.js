#!/usr/bin/env -S node --no-concurrent-recompilation --no-concurrent-osr --no-maglev --no-concurrent-sparkplug
// The aos-ts executable: the built CLI does the work. The V8 options above
// are the ones src/relaunch.ts would otherwise start a second Node for (the
// exit hang of nodejs/node#54918): given here, the CLI runs in this Node.
// The CLI loads as one CommonJS bundle when the build made it (tens of ES
// modules cost the ES module loader noticeably more at every start), unless
// dist/cli.js is newer (compiled again without bundling).
//
// Before the bundle loads, two things that take a while on their own:
// - the thread a local process will run in starts now (an engine thread for
//   `--run`, the shell's process thread for what looks like the shell), on
//   the other core, while this thread compiles the CLI; the CLI takes it
//   (src/engine/engine-thread-start.ts). A guess that turns out wrong costs
//   an idle thread, which never keeps the program alive.
// - compiled code is kept on disk between runs (V8's code cache): Node 22+
//   does it for every module and thread (module.enableCompileCache); on
//   Node 20 this file does it for the CLI bundle (src/engine/code-cache.ts
//   explains the rest).
//
// This file is CommonJS (bin/package.json says so): an ES module here would
// make Node start its ES module loader (and the file APIs it reads with)
// before anything else, which the one-file CLI never needs for `--run`.
'use strict';
const { statSync } = require('node:fs');
const nodeModule = require('node:module');
const { join } = require('node:path');

const dist = (name) => join(__dirname, '..', 'dist', name);
const bundle = dist('cli/aos-ts.cjs');
const mtime = (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs;
const bundled = (mtime(bundle) ?? -1) >= (mtime(dist('cli.js')) ?? Infinity);

if (process.env.AOS_TS_TRACE) process.env.AOS_TS_TRACE_ORIGIN ??= String(performance.timeOrigin);
const builtinCache = !process.env.NODE_DISABLE_COMPILE_CACHE && typeof nodeModule.enableCompileCache === 'function';
if (builtinCache) {
  try {
    const { directory } = nodeModule.enableCompileCache();
    // Threads read it from the environment.
    if (directory) process.env.NODE_COMPILE_CACHE = directory;
  } catch {
    // only an optimization
  }
}

const ownCache = bundled && !builtinCache && !process.env.NODE_DISABLE_COMPILE_CACHE && mtime(dist('engine/code-cache.cjs')) !== undefined;
const codeCache = ownCache ? require(dist('engine/code-cache.cjs')) : undefined;
const early = bundled ? startEarlyThread(process.argv.slice(2)) : undefined;

if (!bundled) void import('../dist/cli.js');
else if (codeCache) codeCache.requireCached(bundle, early ?? 'other');
else require(bundle);

/**
 * Start the thread the command will most likely need, and leave it where the
 * CLI finds it. Returns the kind of run: 'run', 'shell', or undefined.
 */
function startEarlyThread(args) {
  const oneShot = args.some((a) => a === '--run' || a === '-r' || a.startsWith('--run='));
  let kind;
  let file;
  if (oneShot) {
    kind = 'engine';
    file = dist('engine/engine-worker.cjs');
  } else if (looksLikeLocalShell(args)) {
    kind = 'host';
    file = dist('local/worker-host.cjs');
  } else return undefined;
  if (mtime(file) === undefined) return undefined;
  // An engine thread makes a bare VM and waits for its setup; the shell's thread waits for its process.
  const options = { workerData: kind === 'engine' ? { spare: 'bare' } : { pending: true } };
  const worker = codeCache ? codeCache.startThread(file, options) : new (require('node:worker_threads').Worker)(file, options);
  worker.unref();
  worker.on('error', () => {});
  const entry = { kind, worker, exited: false };
  worker.once('exit', () => (entry.exited = true));
  globalThis[Symbol.for('aos-ts.early-thread')] = entry;
  return kind === 'engine' ? 'run' : 'shell';
}

/** The shell on a local process: a terminal, and no subcommand or option that means something else. */
function looksLikeLocalShell(args) {
  if (!process.stdin.isTTY || !process.stdout.isTTY) return false;
  const SUBCOMMANDS = ['spawn', 'send', 'list', 'inbox', 'blueprints', 'wallet', 'serve', 'publish', 'help'];
  const first = args.find((a) => !a.startsWith('-'));
  if (first !== undefined && SUBCOMMANDS.includes(first)) return false;
  const ELSEWHERE = /^(--mainnet|--url|--legacy|--remote|--list|--watch|--get-blueprints|--help|-h|--version|-V)(=|$)/;
  return !args.some((a) => ELSEWHERE.test(a));
}
