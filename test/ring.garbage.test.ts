// Zero garbage on the ring's real-time paths: a child process (`node --expose-gc`) runs
// 1,000,000 rounds of 15 ring calls (push, pop, pushPlanar, popPlanar, beginWrite/commitWrite,
// beginRead/commitRead, availableRead/availableWrite, the counters; full and empty rings
// included) after a warm-up, and reports the GC events and the JS heap's growth meanwhile.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runGarbageChild } from './garbage.js';

const SCRIPT = fileURLToPath(new URL('./ring-garbage.mjs', import.meta.url));

const measure = (shared: boolean) => runGarbageChild(SCRIPT, shared ? ['--shared'] : []);

describe('ring calls make no garbage', () => {
  it.each([
    ['a non-shared heap (plain index loads and stores)', false],
    ['a shared heap (Atomics on the two indices)', true],
  ])('on %s: 15,000,000 calls, 0 GC events, the JS heap grows < 256 KiB, the wasm heap unchanged', (_what, shared) => {
    const m = measure(shared);
    console.info(`ring garbage (${shared ? 'shared' : 'non-shared'}): ${m.gcEvents} GC events, JS heap +${m.jsHeapGrowth} B over ${m.rounds * m.callsPerRound} calls`);
    expect(m.rounds * m.callsPerRound).toBe(15_000_000);
    expect(m.overruns).toBeGreaterThan(0); // the short paths ran too
    expect(m.underruns).toBeGreaterThan(0);
    expect(m.gcEvents).toBe(0);
    // Even one 16-byte object per 1,000 calls would be 240 KB; what grows is compiled code and feedback.
    expect(m.jsHeapGrowth).toBeLessThan(256 * 1024);
    expect(m.statsAfter).toEqual(m.statsBefore);
  }, 60_000);
});
