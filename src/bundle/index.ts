// `.load`: bundle a Lua file and the local modules it requires into one chunk
// to send as one Eval, map errors back to the files, and watch for changes.
export { bundleLua, type Bundle, type BundleOptions } from './bundle.js';
export { BundleError, type BundleErrorCode } from './bundle-error.js';
export { LineMap, mapLuaError, type SourceLocation } from './line-map.js';
export { findRequires, type RequireSite } from './find-requires.js';
export { tokenize, LuaSyntaxError, type Token } from './lua-lexer.js';
export { expandPath, builtinModules } from './resolve.js';
export { watchBundle, type BundleWatcher, type WatchOptions } from './watch.js';
export { findSyntaxError, isCompileError, compileCheckLua, type CompileCheck } from './check.js';
export { mapOfBundle } from './emit.js';
export { isReadOnlyEval } from './read-only.js';
