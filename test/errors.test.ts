// Bad input never corrupts the heap: every misuse gets a typed error naming the value, and the
// heap passes check() and keeps working afterwards (release build included).
import { describe, expect, it } from 'vitest';
import { Heap, HeapCorruptionError, HeapError, InvalidPointerError, OutOfMemoryError } from '../src/index.js';

/** Runs `misuse`, expects `Err` with `text` in its message, then proves the heap is intact. */
function expectError(heap: Heap, misuse: () => unknown, Err: new (...a: never[]) => Error, text: RegExp): void {
  let caught: unknown;
  try {
    misuse();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(Err);
  expect((caught as Error).message).toMatch(text);
  heap.check();
  const p = heap.alloc(100);
  heap.free(p);
  heap.check();
}

describe.each([
  ['release', {}],
  ['debug', { debug: true }],
  ['shared', { shared: true, maximumBytes: 16 << 20 }],
] as const)('%s build', (_n, options) => {
  const setup = () => {
    const heap = new Heap(options);
    const a = heap.alloc(100);
    const b = heap.alloc(200);
    const c = heap.alloc(300);
    return { heap, a, b, c };
  };

  describe('pointers → InvalidPointerError', () => {
    it('double free (the block is still free)', () => {
      const { heap, b } = setup();
      heap.free(b);
      expectError(heap, () => heap.free(b), InvalidPointerError, /double free|no live block/);
    });
    it('double free after the block was coalesced with its left neighbour', () => {
      const { heap, a, b } = setup();
      heap.free(a);
      heap.free(b);
      expectError(heap, () => heap.free(b), InvalidPointerError, /0x/);
      expectError(heap, () => heap.realloc(b, 10), InvalidPointerError, /0x/);
    });
    it('interior pointer', () => {
      const { heap, b } = setup();
      expectError(heap, () => heap.free(b + 16), InvalidPointerError, /no live block starts at 0x/);
    });
    it('interior pointer whose "header" bytes the user filled with plausible values', () => {
      const { heap, c } = setup();
      heap.u32[(c + 64) >> 2] = 64 | 0; // a size with no tags, as a header would hold
      heap.u32[(c + 68) >> 2] = 0;
      expectError(heap, () => heap.free(c + 72), InvalidPointerError, /no live block/);
    });
    it('misaligned pointer', () => {
      const { heap, a } = setup();
      expectError(heap, () => heap.free(a + 3), InvalidPointerError, /not 8-byte aligned|not a pointer/);
    });
    it('out-of-range pointers: below the heap, past the end, at the control block', () => {
      const { heap } = setup();
      expectError(heap, () => heap.free(8), InvalidPointerError, /out of its range|not a pointer/);
      expectError(heap, () => heap.free(heap.memory.buffer.byteLength + 64), InvalidPointerError, /not a pointer/);
      expectError(heap, () => heap.free(0xfffffff8), InvalidPointerError, /not a pointer/);
    });
    it('a pointer from another heap', () => {
      const { heap } = setup();
      const other = new Heap(options);
      other.alloc(40); // so that `foreign` starts a block there but falls inside `a` here
      const foreign = other.alloc(200);
      expectError(heap, () => heap.free(foreign), InvalidPointerError, /no live block|not a pointer/);
      other.check();
    });
    it('negative, NaN, fractional and ≥ 2^32 addresses', () => {
      const { heap, a } = setup();
      for (const bad of [-8, NaN, a + 0.5, 2 ** 32 + a, Infinity]) {
        expectError(heap, () => heap.free(bad), InvalidPointerError, /not an address/);
      }
      expectError(heap, () => heap.free('8' as unknown as number), TypeError, /address|view/);
    });
    it('usableSize and realloc refuse the same pointers', () => {
      const { heap, b } = setup();
      expectError(heap, () => heap.usableSize(b + 8), InvalidPointerError, /no live block/);
      expectError(heap, () => heap.realloc(b + 8, 10), InvalidPointerError, /no live block/);
    });
    it('a view that is not over this heap', () => {
      const { heap } = setup();
      expectError(heap, () => heap.free(new Float32Array(4)), InvalidPointerError, /not over this heap/);
      expectError(heap, () => heap.free({} as Float32Array), TypeError, /expected an address/);
    });
    it('a view over the heap that does not start a block', () => {
      const { heap, b } = setup();
      expectError(heap, () => heap.free(heap.view(Float32Array, b + 16, 4)), InvalidPointerError, /no live block/);
    });
  });

  describe('sizes and alignments → RangeError / TypeError', () => {
    it.each([-1, NaN, 1.5, Infinity, 2 ** 32, -0.5])('alloc(%s) throws RangeError naming the value', (n) => {
      const { heap } = setup();
      expectError(heap, () => heap.alloc(n), RangeError, new RegExp(`alloc\\(${String(n).replace('.', '\\.')}\\)`));
      expectError(heap, () => heap.calloc(n), RangeError, /calloc/);
      expectError(heap, () => heap.tryAlloc(n), RangeError, /tryAlloc/);
    });
    it('a size larger than maximumBytes is a RangeError, not an exhaustion', () => {
      const { heap } = setup();
      expectError(heap, () => heap.alloc(0x7fff0000), RangeError, /maximumBytes/);
      expectError(heap, () => heap.alloc(0xffffffff), RangeError, /invalid argument|maximumBytes/);
    });
    it('non-number sizes are TypeErrors', () => {
      const { heap } = setup();
      expectError(heap, () => heap.alloc('10' as unknown as number), TypeError, /size must be a number/);
      expectError(heap, () => heap.alloc(undefined as unknown as number), TypeError, /size must be a number/);
    });
    it.each([0, 3, 12, -8, 1.5, NaN, 131072])('alignment %s throws RangeError', (align) => {
      const { heap } = setup();
      expectError(heap, () => heap.alloc(10, align), RangeError, /alignment must be a power of two/);
    });
    it('realloc to a bad size leaves the block as it was', () => {
      const { heap, b } = setup();
      heap.u8.fill(5, b, b + 200);
      expectError(heap, () => heap.realloc(b, -1), RangeError, /realloc/);
      expect(heap.u8.subarray(b, b + 200).every((v) => v === 5)).toBe(true);
    });
    it('allocArray with a bad length or constructor', () => {
      const { heap } = setup();
      expectError(heap, () => heap.allocArray(Float32Array, -1), RangeError, /length/);
      expectError(heap, () => heap.allocArray(Float32Array, 2 ** 30), RangeError, /length/);
      expectError(heap, () => heap.allocArray(Array as never, 4), TypeError, /TypedArray constructor/);
    });
  });

  describe('exhaustion → OutOfMemoryError (tryAlloc → 0)', () => {
    it('the message gives the request and the heap figures', () => {
      const heap = new Heap({ ...options, initialBytes: 1 << 20, maximumBytes: 1 << 20 });
      expectError(heap, () => heap.alloc(2 << 20), RangeError, /maximumBytes/);
      heap.alloc(600_000);
      expectError(heap, () => heap.alloc(600_000), OutOfMemoryError, /alloc\(600000\): out of memory: .*live blocks.*largest free block/);
      expect(heap.tryAlloc(600_000)).toBe(0);
      expectError(heap, () => heap.calloc(600_000), OutOfMemoryError, /calloc/);
      expect(() => heap.reserve(600_000)).toThrow(OutOfMemoryError);
      heap.check();
    });
    it('a failed realloc keeps the original block', () => {
      const heap = new Heap({ ...options, initialBytes: 1 << 20, maximumBytes: 1 << 20 });
      const p = heap.alloc(100);
      heap.alloc(16);
      heap.alloc(500_000);
      heap.u8.fill(4, p, p + 100);
      expectError(heap, () => heap.realloc(p, 600_000), OutOfMemoryError, /realloc/);
      expect(heap.u8.subarray(p, p + 100).every((v) => v === 4)).toBe(true);
      heap.free(p);
    });
  });

  describe('arena misuse', () => {
    it('a full arena throws OutOfMemoryError; tryAlloc returns 0', () => {
      const { heap } = setup();
      const ar = heap.arena(256);
      ar.alloc(200);
      expectError(heap, () => ar.alloc(100), OutOfMemoryError, /arena full/);
      expect(ar.tryAlloc(100)).toBe(0);
    });
    it('a mark from elsewhere is refused', () => {
      const { heap } = setup();
      const ar = heap.arena(256);
      const m = ar.mark();
      ar.alloc(10);
      expectError(heap, () => ar.reset(m + 1000), RangeError, /not a mark of this arena/);
      expectError(heap, () => ar.reset(m - 8), RangeError, /not a mark/);
      expectError(heap, () => ar.reset(-1), RangeError, /mark/);
    });
    it('using a disposed arena throws HeapError; dispose twice is harmless', () => {
      const { heap } = setup();
      const ar = heap.arena(256);
      ar.dispose();
      ar.dispose();
      expectError(heap, () => ar.alloc(10), HeapError, /disposed/);
      expectError(heap, () => ar.reset(), HeapError, /disposed/);
      expectError(heap, () => ar.mark(), HeapError, /disposed/);
    });
    it('bad sizes and alignments', () => {
      const { heap } = setup();
      const ar = heap.arena(256);
      expectError(heap, () => ar.alloc(-1), RangeError, /arena.alloc/);
      expectError(heap, () => ar.alloc(8, 3), RangeError, /power of two/);
      expectError(heap, () => heap.arena(NaN), RangeError, /arena/);
    });
  });
});

describe('damage the heap can detect (HeapCorruptionError), in the release build too', () => {
  it('an overflow into the next block\'s header is caught at free, which then changes nothing', () => {
    const heap = new Heap();
    const a = heap.alloc(24);
    const b = heap.alloc(24);
    heap.alloc(24);
    const saved = heap.u32.slice((b - 8) >> 2, b >> 2);
    heap.u8.fill(0x41, a, a + 40); // 8 bytes too far: smashes b's header
    expect(() => heap.free(a)).toThrow(HeapCorruptionError);
    expect(() => heap.check()).toThrow(HeapCorruptionError);
    expect(() => heap.free(b)).toThrow(InvalidPointerError);
    heap.u32.set(saved, (b - 8) >> 2); // repair: the heap was left untouched
    heap.check();
    heap.free(a);
    heap.free(b);
    heap.check();
  });
  it('check() names the damaged block', () => {
    const heap = new Heap();
    const a = heap.alloc(64);
    heap.u32[(a - 4) >> 2] ^= 1; // flip a bit of a's check word
    expect(() => heap.check()).toThrow(new RegExp(`block at 0x${(a - 8).toString(16)}: header check word`));
  });
});
