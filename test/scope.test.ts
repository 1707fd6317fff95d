// Arena scopes: arena.scope(fn) and arena.frame() give back what a block of code allocated.
// (test/scope.node24.test.ts and test/scope.browser.test.ts run the same frames under native `using`.)
import { describe, expect, it } from 'vitest';
import { Frame, Heap, HeapError } from '../src/index.js';

describe('arena.scope(fn)', () => {
  it('frees everything fn allocated and returns what fn returned', () => {
    const arena = new Heap().arena(4096);
    arena.alloc(16);
    const before = arena.used;
    const r = arena.scope((a) => {
      a.alloc(100);
      a.alloc(200);
      expect(a).toBe(arena);
      return a.used;
    });
    expect(r).toBeGreaterThan(before + 300);
    expect(arena.used).toBe(before);
  });

  it('frees also when fn throws, and lets the error through', () => {
    const arena = new Heap().arena(4096);
    const err = new Error('boom');
    expect(() =>
      arena.scope((a) => {
        a.alloc(64);
        throw err;
      }),
    ).toThrow(err);
    expect(arena.used).toBe(0);
  });

  it('nests: an inner scope frees only its own allocations', () => {
    const arena = new Heap().arena(4096);
    arena.scope((a) => {
      a.alloc(8);
      const mid = a.used;
      a.scope((b) => b.alloc(500));
      expect(a.used).toBe(mid);
    });
    expect(arena.used).toBe(0);
  });

  it('a non-function throws TypeError and changes nothing', () => {
    const arena = new Heap().arena(64);
    expect(() => arena.scope(5 as never)).toThrow(/arena\.scope\(5\): expected a function/);
  });
});

describe('arena.frame()', () => {
  it('dispose frees everything allocated since the frame was made', () => {
    const arena = new Heap().arena(4096);
    arena.alloc(24);
    const base = arena.used;
    const f = arena.frame();
    arena.alloc(1000);
    f.dispose();
    expect(arena.used).toBe(base);
  });

  it('frames nest; each depth has its own frame object, reused the next time that depth is reached', () => {
    const arena = new Heap().arena(4096);
    const outer = arena.frame();
    arena.alloc(10);
    const mid = arena.used;
    const inner = arena.frame();
    arena.alloc(100);
    expect([outer.depth, inner.depth]).toEqual([0, 1]);
    expect(inner).not.toBe(outer);
    inner.dispose();
    expect(arena.used).toBe(mid);
    outer.dispose();
    expect(arena.used).toBe(0);
    expect(arena.frame()).toBe(outer); // no new object per scope
    expect(arena.frame()).toBe(inner);
  });

  it('makes no objects per scope: a million enter/exit pairs reuse the same frames', () => {
    const arena = new Heap().arena(4096);
    const seen = new Set<Frame>();
    for (let i = 0; i < 1_000_000; i++) {
      const f = arena.frame();
      const g = arena.frame();
      arena.alloc(8);
      if ((i & 0xffff) === 0) seen.add(f).add(g);
      g.dispose();
      f.dispose();
    }
    expect(seen.size).toBe(2);
    expect(arena.used).toBe(0);
  });

  it('disposing an outer frame first also closes the inner ones; disposing a closed frame throws HeapError', () => {
    const arena = new Heap().arena(4096);
    const outer = arena.frame();
    const inner = arena.frame();
    arena.alloc(64);
    outer.dispose();
    expect(arena.used).toBe(0);
    expect(() => inner.dispose()).toThrow(HeapError);
    expect(() => outer.dispose()).toThrow(/frame at depth 0 is already closed/);
    const again = arena.frame();
    expect(again.depth).toBe(0);
    again.dispose();
  });

  it('answers to Symbol.dispose (what `using` calls), where the engine has the symbol', () => {
    const arena = new Heap().arena(4096);
    const f = arena.frame();
    arena.alloc(32);
    const symbol = (Symbol as { dispose?: symbol }).dispose;
    expect(typeof symbol).toBe('symbol'); // Node ≥ 20 has it
    (f as unknown as Record<symbol, () => void>)[symbol!]();
    expect(arena.used).toBe(0);
  });

  it('TypeScript-lowered `using` frees at the end of the block, also on a throw', () => {
    const arena = new Heap().arena(4096);
    const run = (fail: boolean) => {
      using f = arena.frame();
      arena.alloc(128);
      expect(f.depth).toBe(0);
      if (fail) throw new Error('inside');
      return arena.used;
    };
    expect(run(false)).toBeGreaterThanOrEqual(128);
    expect(arena.used).toBe(0);
    expect(() => run(true)).toThrow('inside');
    expect(arena.used).toBe(0);
  });

  it('a frame of a disposed arena throws TypeError', () => {
    const arena = new Heap().arena(64);
    arena.dispose();
    expect(() => arena.frame()).toThrow(TypeError);
  });
});
