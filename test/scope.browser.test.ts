// Native `using` in Chromium: arena frames and SoA tables under the engine's own explicit
// resource management. Each check first shows that the function still contains `using` after
// the test's own transform, i.e. that Chromium ran it natively.
import { describe, expect, it } from 'vitest';
import { Heap, struct } from '../src/index.js';

function nested(arena: ReturnType<Heap['arena']>) {
  const seen: number[] = [];
  {
    using f = arena.frame();
    arena.alloc(100);
    {
      using g = arena.frame();
      arena.alloc(200);
      seen.push(f.depth, g.depth, arena.used);
    }
    seen.push(arena.used);
  }
  seen.push(arena.used);
  return seen;
}

function throwing(arena: ReturnType<Heap['arena']>) {
  using f = arena.frame();
  arena.alloc(64 + f.depth);
  throw new Error('boom');
}

function table(heap: Heap) {
  using t = heap.soa(struct({ x: 'f32' }), 8);
  t.x[t.add()] = 1;
  return heap.stats().liveBlocks;
}

describe('native `using` in Chromium', () => {
  it('the page runs `using` natively (the test functions are not lowered)', () => {
    expect(navigator.userAgent).toMatch(/Chrome\//);
    for (const fn of [nested, throwing, table]) expect(String(fn)).toMatch(/\busing [fgt] = /);
  });

  it('frames free at the end of their block, nested ones their own allocations', () => {
    const arena = new Heap().arena(4096);
    const [d0, d1, both, afterInner, afterOuter] = nested(arena);
    expect([d0, d1]).toEqual([0, 1]);
    expect(both).toBeGreaterThanOrEqual(300);
    expect(afterInner).toBeGreaterThanOrEqual(100);
    expect(afterInner).toBeLessThan(both);
    expect(afterOuter).toBe(0);
  });

  it('a throw out of the block still frees', () => {
    const arena = new Heap().arena(4096);
    expect(() => throwing(arena)).toThrow('boom');
    expect(arena.used).toBe(0);
  });

  it('`using` an SoA table frees its block', () => {
    const heap = new Heap();
    expect(table(heap)).toBe(1);
    expect(heap.stats().liveBlocks).toBe(0);
  });
});
