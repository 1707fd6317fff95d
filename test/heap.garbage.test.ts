// Zero garbage on the heap's everyday paths, slow ones included: a child process (`node
// --expose-gc`, test/heap-garbage.mjs) runs rounds of alloc and free of 4,096 blocks (cache bins
// emptying and filling: refills and flushes), blocks above the caches with realloc and calloc,
// a pool growing by slabs, and arena bumps and resets, after a warm-up, and reports the GC events
// and the JS heap's growth meanwhile.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runGarbageChild } from './garbage.js';

const SCRIPT = fileURLToPath(new URL('./heap-garbage.mjs', import.meta.url));

const measure = (shared: boolean) => runGarbageChild(SCRIPT, shared ? ['--shared'] : []);

describe('heap calls make no garbage, refills, flushes and wasm calls included', () => {
  it.each([
    ['a non-shared heap', false],
    ['a shared heap (the lock on every slow path)', true],
  ])('on %s: over 4,000,000 calls, 0 GC events, the JS heap grows < 512 KiB, the wasm heap holds what it held before (no block leaked, no growth)', (_what, shared) => {
    const m = measure(shared);
    console.info(`heap garbage (${shared ? 'shared' : 'non-shared'}): ${m.gcEvents} GC events, JS heap +${m.jsHeapGrowth} B over ${m.calls} calls`);
    expect(m.calls).toBeGreaterThan(4_000_000);
    expect(m.gcEvents).toBe(0);
    // A 16-byte object per 100 calls would be 690 KB (one message string per cache flush was 940 KB);
    // what grows is code the first measured rounds compile (0–160 KB, run to run).
    expect(m.jsHeapGrowth).toBeLessThan(512 * 1024);
    const held = ({ liveBlocks, usedBytes, heapBytes, generation }: Record<string, number>) => ({ liveBlocks, usedBytes, heapBytes, generation });
    expect(held(m.statsAfter)).toEqual(held(m.statsBefore));
    expect(m.checked).toBe(true);
  }, 60_000);
});
