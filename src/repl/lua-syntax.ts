// Is this Lua complete, or is the user still typing a block? Lua's own parser
// answers: an error "near <eof>" means the chunk stops in the middle. A small
// engine of its own keeps the check away from the process.
import type { LuaEngine } from 'wasmoon';

let engine: Promise<LuaEngine> | undefined;

async function checker(): Promise<LuaEngine> {
  engine ??= (async () => {
    const { LuaFactory } = await import('wasmoon');
    // It only compiles (load) and never runs what it is given.
    const e = await new LuaFactory().createEngine({ enableProxy: false });
    e.doStringSync(`
      function __aos_complete(src)
        local f, err = load("return " .. src, "aos", "t", {})
        if f then return "ok" end
        f, err = load(src, "aos", "t", {})
        if f then return "ok" end
        if err:find("<eof>$") then return "incomplete" end
        return "error"
      end`);
    return e;
  })();
  return engine;
}

/** "incomplete" when more lines are needed; "ok" or "error" once it can be sent. */
export async function chunkStatus(source: string): Promise<'ok' | 'incomplete' | 'error'> {
  const e = await checker();
  const fn = e.global.get('__aos_complete') as (src: string) => string;
  const status = fn(source);
  return status === 'incomplete' ? 'incomplete' : status === 'ok' ? 'ok' : 'error';
}
