// Bad input never corrupts the heap: every misuse gets a typed error naming the call and the
// value, and the heap passes check() and keeps working afterwards, in every build.
import { describe, expect, it } from 'vitest';
import { Heap, HeapCorruptionError, InvalidPointerError, OutOfMemoryError } from '../src/index.js';

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
  ['profile', { profile: true }],
] as const)('%s build', (_n, options) => {
  const setup = () => {
    const heap = new Heap(options);
    const a = heap.alloc(100);
    const b = heap.alloc(200);
    const c = heap.alloc(3000);
    return { heap, a, b, c };
  };

  describe('pointers → InvalidPointerError', () => {
    it('a double free of a small block (parked in the cache) says "double free"', () => {
      const { heap, b } = setup();
      heap.free(b);
      expectError(heap, () => heap.free(b), InvalidPointerError, /double free/);
    });
    it('a double free of a large block (back in the free lists) says "double free"', () => {
      const { heap, c } = setup();
      heap.free(c);
      expectError(heap, () => heap.free(c), InvalidPointerError, /double free/);
    });
    it('a double free after the block merged with its neighbours says "double free"', () => {
      const heap = new Heap(options);
      const x = heap.alloc(5000);
      const y = heap.alloc(5000);
      heap.alloc(5000);
      heap.free(x);
      heap.free(y); // y merges into x
      expectError(heap, () => heap.free(y), InvalidPointerError, /double free/);
    });
    it('usableSize and realloc of a freed block are refused', () => {
      const { heap, a } = setup();
      heap.free(a);
      expectError(heap, () => heap.usableSize(a), InvalidPointerError, /usableSize\(0x[0-9a-f]+\): double free/);
      expectError(heap, () => heap.realloc(a, 10), InvalidPointerError, /realloc\(0x[0-9a-f]+, 10\)/);
    });
    it('an interior pointer', () => {
      const { heap, c } = setup();
      expectError(heap, () => heap.free(c + 16), InvalidPointerError, /no live block starts at 0x/);
    });
    it('an interior pointer whose "header" bytes the user filled with plausible values', () => {
      const { heap, c } = setup();
      heap.u32[(c + 64) >>> 2] = 64;
      heap.u32[(c + 68) >>> 2] = 0;
      expectError(heap, () => heap.free(c + 72), InvalidPointerError, /no live block/);
    });
    it('a misaligned pointer', () => {
      const { heap, a } = setup();
      expectError(heap, () => heap.free(a + 3), InvalidPointerError, /not 8-byte aligned/);
    });
    it('out-of-range pointers: below the heap, at the root, past the end', () => {
      const { heap } = setup();
      expectError(heap, () => heap.free(8), InvalidPointerError, /not a pointer of this heap/);
      expectError(heap, () => heap.free(1024 + 64), InvalidPointerError, /not a pointer of this heap/);
      expectError(heap, () => heap.free(heap.memory.buffer.byteLength + 8), InvalidPointerError, /not a pointer of this heap/);
    });
    it('a pointer from another heap', () => {
      const { heap } = setup();
      const other = new Heap(options);
      other.alloc(40); // so that q does not land where this heap has a block of its own
      const q = other.alloc(3000);
      expectError(heap, () => heap.free(q), InvalidPointerError, /0x/);
      other.check();
    });
    it('an arena\'s block passed to heap.free names what it is', () => {
      const { heap } = setup();
      const ar = heap.arena(100);
      expectError(heap, () => heap.free(ar.address), InvalidPointerError, /is an arena \(free it with arena\.dispose\(\)\)/);
      ar.dispose();
    });
    it.each([-8, NaN, 1.5, 2 ** 32, Infinity])('free(%s) is refused as no address (RangeError), naming free', (p) => {
      const { heap } = setup();
      expectError(heap, () => heap.free(p), RangeError, /^free: an address is an integer/);
    });
    it.each([[null], [{}], ['16'], [16n]])('free(%s) of a non-address is a TypeError naming free', (p) => {
      const { heap } = setup();
      expectError(heap, () => heap.free(p as unknown as number), TypeError, /^(free|addressOf): expected/);
    });
    it('a view that is not over this heap', () => {
      const { heap } = setup();
      expectError(heap, () => heap.free(new Float32Array(4)), InvalidPointerError, /not over this heap/);
    });
    it('a view over the heap that does not start a block', () => {
      const { heap } = setup();
      const v = heap.allocArray(Float32Array, 64);
      expectError(heap, () => heap.free(v.subarray(4)), InvalidPointerError, /no live block/);
    });
  });

  describe('sizes, alignments and arguments → RangeError / TypeError naming the call', () => {
    it.each([-1, NaN, 1.5, Infinity, 2 ** 32, -0.5])('alloc(%s) throws RangeError naming the value', (n) => {
      const { heap } = setup();
      expectError(heap, () => heap.alloc(n), RangeError, new RegExp(`^alloc: size must be an integer.*got ${String(n)}`));
    });
    it.each([['16'], [16n], [Symbol('s')], [null], [{}]])('alloc(%s) is a TypeError naming alloc', (n) => {
      const { heap } = setup();
      expectError(heap, () => heap.alloc(n as unknown as number), TypeError, /^alloc: size must be a number/);
    });
    it.each([0, 3, 12, -8, 1.5, NaN, 131072])('alignment %s throws RangeError', (align) => {
      const { heap } = setup();
      expectError(heap, () => heap.alloc(8, align), RangeError, /^alloc: alignment must be a power of two/);
    });
    it('realloc to a bad size leaves the block as it was', () => {
      const { heap, a } = setup();
      heap.u8.fill(3, a, a + 100);
      expectError(heap, () => heap.realloc(a, -1), RangeError, /^realloc: size/);
      expect(heap.u8.subarray(a, a + 100).every((x) => x === 3)).toBe(true);
    });
    it('allocArray with a typed-array instance instead of a constructor allocates nothing', () => {
      const { heap } = setup();
      const before = heap.stats().liveBlocks;
      expectError(heap, () => heap.allocArray(new Float32Array(1) as unknown as Float32ArrayConstructor, 4), TypeError, /^allocArray: expected a TypedArray constructor/);
      expect(heap.stats().liveBlocks).toBe(before);
    });
    it.each([[-1], [1.5], [NaN], ['4']])('allocArray(Float32Array, %s) is refused', (n) => {
      const { heap } = setup();
      expectError(heap, () => heap.allocArray(Float32Array, n as number), Error, /^allocArray: length/);
    });
    it.each([[NaN], [null], [{}], [1.5], ['16']])('view(Uint8Array, %s, 4) is refused', (p) => {
      const { heap } = setup();
      expectError(heap, () => heap.view(Uint8Array, p as number, 4), Error, /^view: /);
    });
    it('view without a length, or past the end of memory, is refused', () => {
      const { heap, a } = setup();
      expectError(heap, () => heap.view(Uint8Array, a, undefined as unknown as number), TypeError, /^view: length/);
      expectError(heap, () => heap.view(Uint8Array, a, heap.memory.buffer.byteLength), RangeError, /not inside the heap's memory/);
    });
    it('stats(5) is a TypeError naming stats', () => {
      const { heap } = setup();
      expectError(heap, () => heap.stats(5 as never), TypeError, /^stats: expected an object/);
    });
    it('reserve reports itself', () => {
      const { heap } = setup();
      expectError(heap, () => heap.reserve(-1), RangeError, /^reserve: size/);
      expectError(heap, () => heap.reserve(2 ** 31, 0), RangeError, /^reserve: count/);
    });
    it('arena(huge) blames the size, not an alignment', () => {
      const { heap } = setup();
      expectError(heap, () => heap.arena(2 ** 32 - 1), RangeError, /^arena: size/);
    });
  });

  describe('exhaustion → OutOfMemoryError (tryAlloc → 0), whatever the size', () => {
    it('the message gives the request and the heap figures', () => {
      const heap = new Heap({ ...options, initialBytes: 1 << 20, maximumBytes: 1 << 20 });
      expectError(heap, () => heap.alloc(2 << 20), OutOfMemoryError, /^alloc\(2097152\): out of memory: .* largest free block \d+/);
    });
    it('a request one byte past the whole heap is the same OutOfMemoryError; tryAlloc returns 0 for both', () => {
      const heap = new Heap({ ...options, initialBytes: 65536, maximumBytes: 65536 });
      expect(() => heap.alloc(65536)).toThrow(OutOfMemoryError);
      expect(() => heap.alloc(65537)).toThrow(OutOfMemoryError);
      expect(() => heap.alloc(2 ** 32 - 1)).toThrow(OutOfMemoryError);
      expect(heap.tryAlloc(65536)).toBe(0);
      expect(heap.tryAlloc(65537)).toBe(0);
      heap.check();
    });
    it('a failed realloc keeps the original block', () => {
      const heap = new Heap({ ...options, initialBytes: 1 << 20, maximumBytes: 1 << 20 });
      const p = heap.alloc(1000);
      heap.u8.fill(9, p, p + 1000);
      expectError(heap, () => heap.realloc(p, 2 << 20), OutOfMemoryError, /^realloc\(0x[0-9a-f]+, 2097152\): out of memory/);
      expect(heap.u8.subarray(p, p + 1000).every((x) => x === 9)).toBe(true);
      heap.free(p);
    });
  });

  describe('arena misuse', () => {
    it('a full arena throws OutOfMemoryError; tryAlloc returns 0', () => {
      const heap = new Heap(options);
      const ar = heap.arena(64);
      expect(ar.capacity).toBeGreaterThanOrEqual(64);
      ar.alloc(ar.capacity);
      expect(ar.tryAlloc(1)).toBe(0);
      expectError(heap, () => ar.alloc(1), OutOfMemoryError, /^arena\.alloc\(1\): arena full/);
    });
    it('a mark from elsewhere is refused', () => {
      const heap = new Heap(options);
      const ar = heap.arena(256);
      ar.alloc(16);
      expectError(heap, () => ar.reset(8), RangeError, /^arena\.reset\(0x8\): not a mark of this arena/);
      expectError(heap, () => ar.reset(ar.mark() + 8), RangeError, /not a mark/);
    });
    it('a disposed arena throws TypeError on every call; dispose twice is harmless', () => {
      const heap = new Heap(options);
      const ar = heap.arena(256);
      ar.dispose();
      ar.dispose();
      expectError(heap, () => ar.alloc(8), TypeError, /^arena\.alloc: the arena was disposed/);
      expectError(heap, () => ar.tryAlloc(8), TypeError, /disposed/);
      expectError(heap, () => ar.mark(), TypeError, /disposed/);
      expectError(heap, () => ar.reset(), TypeError, /disposed/);
    });
    it('a disposed arena keeps refusing after a stray write into the null guard', () => {
      const heap = new Heap(options);
      const ar = heap.arena(256);
      ar.dispose();
      heap.u32[1] = 0xffffffff;
      expect(() => ar.tryAlloc(8)).toThrow(TypeError);
      heap.u32[1] = 0;
    });
    it('bad sizes and alignments', () => {
      const heap = new Heap(options);
      const ar = heap.arena(256);
      expectError(heap, () => ar.alloc(-1), RangeError, /^arena\.alloc: size/);
      expectError(heap, () => ar.alloc(8, 3), RangeError, /^arena\.alloc: alignment must be a power of two/);
      expectError(heap, () => heap.arena(NaN), RangeError, /^arena: size/);
    });
  });

  describe('pool misuse → InvalidPointerError, in O(1)', () => {
    it('double free', () => {
      const heap = new Heap(options);
      const pool = heap.pool(48);
      const p = pool.alloc();
      pool.free(p);
      expectError(heap, () => pool.free(p), InvalidPointerError, /^pool\.free\(0x[0-9a-f]+\): double free/);
    });
    it('an interior address', () => {
      const heap = new Heap(options);
      const pool = heap.pool(48);
      const p = pool.alloc();
      expectError(heap, () => pool.free(p + 8), InvalidPointerError, /interior address/);
    });
    it('a heap block, and a block of another pool', () => {
      const heap = new Heap(options);
      const pool = heap.pool(48);
      const other = heap.pool(48);
      const q = other.alloc();
      expectError(heap, () => pool.free(heap.alloc(48)), InvalidPointerError, /not a block of this pool/);
      expectError(heap, () => pool.free(q), InvalidPointerError, /not a block of this pool/);
      other.free(q);
    });
    it('a pool block passed to heap.free', () => {
      const heap = new Heap(options);
      const pool = heap.pool(48);
      const p = pool.alloc();
      expectError(heap, () => heap.free(p), InvalidPointerError, /0x/);
      pool.free(p);
    });
    it('a disposed pool refuses every call', () => {
      const heap = new Heap(options);
      const pool = heap.pool(48);
      const p = pool.alloc();
      pool.dispose();
      expectError(heap, () => pool.alloc(), TypeError, /disposed/);
      expectError(heap, () => pool.free(p), TypeError, /disposed/);
    });
    it('bad sizes and options', () => {
      const heap = new Heap(options);
      expectError(heap, () => heap.pool(0), RangeError, /^pool\(0\): blockBytes/);
      expectError(heap, () => heap.pool(1 << 20), RangeError, /blockBytes must be an integer from 1/);
      expectError(heap, () => heap.pool(16, { align: 3 }), RangeError, /^pool: alignment/);
      expectError(heap, () => heap.pool(16, { capacity: -1 }), RangeError, /^pool: capacity/);
    });
  });
});

describe('construction errors name the option and the value', () => {
  it('new Heap(null) is a TypeError', () => {
    expect(() => new Heap(null as never)).toThrow(/^new Heap: options must be an object, got null/);
  });
  it('a bad initialBytes is reported as initialBytes', () => {
    expect(() => new Heap({ initialBytes: -1 })).toThrow(/^new Heap: initialBytes must be an integer/);
    expect(() => new Heap({ initialBytes: '1' as never })).toThrow(/^new Heap: initialBytes must be a number/);
  });
  it('a bad maximumBytes is reported as maximumBytes', () => {
    expect(() => new Heap({ maximumBytes: NaN })).toThrow(/^new Heap: maximumBytes must be an integer/);
    expect(() => new Heap({ maximumBytes: 1000 })).toThrow(/^new Heap: maximumBytes must be at least one page/);
    expect(() => new Heap({ initialBytes: 1 << 24, maximumBytes: 1 << 20 })).toThrow(/initialBytes .* exceeds maximumBytes/);
  });
  it('builds do not combine', () => {
    expect(() => new Heap({ shared: true, debug: true })).toThrow(/pick one build: shared and debug/);
  });
  it('a memory that is not a shared WebAssembly.Memory is a TypeError, not a LinkError', () => {
    expect(() => new Heap({ shared: true, memory: new WebAssembly.Memory({ initial: 1 }) })).toThrow(/^new Heap: options\.memory must be a shared WebAssembly\.Memory/);
    expect(() => new Heap({ shared: true, memory: {} as WebAssembly.Memory })).toThrow(TypeError);
    expect(() => new Heap({ memory: new WebAssembly.Memory({ initial: 1 }) })).toThrow(/options\.memory is for shared heaps/);
  });
  it('a foreign wasm module is refused by name', () => {
    const empty = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    expect(() => Heap.fromModule(empty)).toThrow(/^Heap\.fromModule: not a wasm-arena module/);
  });
  it('attaching with a different maximumBytes is refused', () => {
    const a = new Heap({ shared: true, maximumBytes: 1 << 24 });
    expect(() => new Heap({ shared: true, memory: a.memory, maximumBytes: 1 << 25 })).toThrow(/maximumBytes 33554432 differs from the attached heap's 16777216/);
  });
  it('the same double free gives the same message in the debug and the release build', () => {
    const msg = (h: Heap) => {
      const p = h.alloc(5000);
      h.free(p);
      try {
        h.free(p);
      } catch (e) {
        return (e as Error).message.replace(/0x[0-9a-f]+/g, 'ADDR');
      }
      return '';
    };
    expect(msg(new Heap({ debug: true }))).toBe(msg(new Heap()));
  });
});

describe('error names survive minification', () => {
  it('each error class names itself with a literal', () => {
    for (const [E, name] of [[HeapCorruptionError, 'HeapCorruptionError'], [InvalidPointerError, 'InvalidPointerError'], [OutOfMemoryError, 'OutOfMemoryError']] as const) {
      expect(new E('x').name).toBe(name);
    }
  });
});
