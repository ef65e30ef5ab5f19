// Restoring a state: into a VM that held a bigger one (every page the image
// does not hold reads zero after), and from its encoded bytes in the engine's
// thread (the state handed back is the one restored).
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { LuaVm } from '../../src/engine/lua-vm.js';
import { encodeMemoryImage, imageDigest } from '../../src/engine/memory-image.js';
import { ProcessEngine } from '../../src/engine/process-engine.js';
import { data, env, evalMsg, processMsg } from '../helpers/messages.js';

const closers: { close(): void }[] = [];
afterEach(() => {
  while (closers.length) closers.pop()!.close();
});

describe('restoring a state', () => {
  it('leaves nothing of a bigger state behind', async () => {
    const vm = await LuaVm.create();
    closers.push(vm);
    vm.handle(processMsg(), env());
    const small = vm.snapshot();
    // Several MiB of Lua data, in pages the small state never touched.
    const grown = vm.handle(evalMsg('Big = {} for i = 1, 300000 do Big[i] = "v" .. i end return #Big'), env());
    expect(data(grown)).toBe('300000');
    expect(vm.snapshot().offsets.length).toBeGreaterThan(small.offsets.length + 16);
    vm.restore(small);
    expect(imageDigest(vm.snapshot())).toBe(imageDigest(small));
    expect(data(vm.handle(evalMsg('return tostring(Big)'), env()))).toBe('nil');
  });

  it('decodes a gzipped image in the engine thread and hands the same state back', async () => {
    const source = await ProcessEngine.create();
    closers.push(source);
    await source.handle(processMsg(), env());
    await source.handle(evalMsg('Kept = "yes"'), env());
    const image = await source.snapshot();
    const { engine, image: back } = await ProcessEngine.fromEncodedImage(gzipSync(encodeMemoryImage(image)), true);
    closers.push(engine);
    expect(imageDigest(back)).toBe(imageDigest(image));
    expect(imageDigest(await engine.snapshot())).toBe(imageDigest(image));
    expect(data(await engine.handle(evalMsg('return Kept'), env()))).toBe('yes');
  });

  it('refuses bytes that are not an image, and says so', async () => {
    await expect(ProcessEngine.fromEncodedImage(Buffer.from('not an image at all'), false)).rejects.toThrow(/not an aos-ts memory image/);
  });
});
