// Profile heaps (new Heap({ profile: true }) with 'wasm-arena/profile' loaded: test/builds.ts):
// per-tag tallies, leaks, the heap map, the timeline, and check() of the profiler's tables.
// Browser-safe: it runs in the Chromium page too.
import { describe, expect, it } from 'vitest';
import { Heap, HeapCorruptionError, struct } from '../src/index.js';
import type { ProfileReport, TagReport } from '../src/profile.js';
import * as L from '../src/layout.js';
import { userFrames } from '../src/profiler/sites.js';

/** The size of the block at user pointer p (its header): what the profiler counts. */
const blockOf = (heap: Heap, p: number): number => heap.u32[(p - L.HEADER) >>> 2] & ~L.TAGS;

/** Per-tag figures as a plain reference model keeps them. */
class Tallies {
  readonly tags = new Map<string | null, Omit<TagReport, 'tag'>>();
  private of(tag: string | null) {
    let t = this.tags.get(tag);
    if (!t) this.tags.set(tag, (t = { liveBlocks: 0, liveBytes: 0, peakLiveBytes: 0, allocs: 0, frees: 0 }));
    return t;
  }
  alloc(tag: string | null, bytes: number): void {
    const t = this.of(tag);
    t.liveBlocks++;
    t.liveBytes += bytes;
    t.allocs++;
    t.peakLiveBytes = Math.max(t.peakLiveBytes, t.liveBytes);
  }
  free(tag: string | null, bytes: number): void {
    const t = this.of(tag);
    t.liveBlocks--;
    t.liveBytes -= bytes;
    t.frees++;
  }
}

/** The report's user tags (the allocator's own row left out), by name. */
function userTags(r: ProfileReport): Map<string | null, Omit<TagReport, 'tag'>> {
  return new Map(r.tags.filter((t) => t.tag !== '(allocator)').map(({ tag, ...rest }) => [tag, rest]));
}

/** A seeded PRNG (mulberry32): the same sequence every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('profile heaps', () => {
  it('new Heap({ profile: true }) is a Heap with the profiler; a plain heap has none of its methods', () => {
    const heap = new Heap({ profile: true });
    expect(heap).toBeInstanceOf(Heap);
    expect(heap.profile).toBe(true);
    expect(typeof heap.report).toBe('function');
    const plain = new Heap();
    expect(plain.profile).toBe(false);
    expect('report' in plain || 'tag' in plain || 'heapMap' in plain).toBe(false);
  });

  it('Heap.fromModule with the profile build\'s module makes a profile heap', async () => {
    const module = await Heap.compile({ profile: true });
    const heap = Heap.fromModule(module, { initialBytes: 1 << 16 });
    expect(heap.profile).toBe(true);
    heap.tag('w');
    heap.free(heap.alloc(10));
    expect(heap.report().tags.find((t) => t.tag === 'w')).toMatchObject({ allocs: 1, frees: 1, liveBlocks: 0 });
    heap.check();
  });

  it('tag() returns the previous tag; tag(null) clears it; a non-string throws TypeError', () => {
    const heap = new Heap({ profile: true });
    expect(heap.tag('a')).toBe(null);
    expect(heap.tag('b')).toBe('a');
    expect(heap.tag(null)).toBe('b');
    expect(() => heap.tag(42 as unknown as string)).toThrow(TypeError);
    expect(() => heap.tag('(allocator)')).toThrow(RangeError);
  });

  it('a heap takes at most 254 tag names; the next throws RangeError and the current tag stays', () => {
    const heap = new Heap({ profile: true });
    for (let i = 0; i < L.TAG_COUNT - L.TAG_FIRST; i++) heap.tag(`t${i}`);
    expect(() => heap.tag('one too many')).toThrow(RangeError);
    expect(heap.tag('t0')).toBe(`t${L.TAG_COUNT - L.TAG_FIRST - 1}`);
  });
});

describe('per-tag counts', () => {
  it('match a scripted sequence of alloc, calloc, realloc, allocArray, arenas, soa tables and frees exactly', () => {
    const heap = new Heap({ profile: true, initialBytes: 1 << 20 });
    const want = new Tallies();
    const track = (tag: string | null, p: number) => {
      want.alloc(tag, blockOf(heap, p));
      return p;
    };
    heap.tag('a');
    const a1 = track('a', heap.alloc(24)); // fast path (a cache bin)
    const a2 = track('a', heap.alloc(100));
    const a3 = track('a', heap.alloc(5000)); // wasm: larger than any bin
    const a4 = track('a', heap.alloc(64, 64)); // wasm: aligned
    const a5 = track('a', heap.calloc(40));
    want.free('a', blockOf(heap, a2));
    heap.free(a2);
    heap.tag('b');
    const arr = heap.allocArray(Float32Array, 10);
    track('b', heap.addressOf(arr));
    const a1Size = blockOf(heap, a1);
    const r = heap.realloc(a1, 2000); // moved: a free under 'a', an allocation under 'b'
    want.free('a', a1Size);
    track('b', r);
    const arena = heap.arena(1000);
    track('b', arena.address);
    const table = heap.soa(struct({ x: 'f32', y: 'f32' }), 100);
    track('b', table.address);
    heap.tag(null);
    const n1 = track(null, heap.alloc(10));
    want.free('a', blockOf(heap, a3));
    heap.free(a3);
    want.free('b', blockOf(heap, heap.addressOf(arr)));
    heap.free(arr);
    want.free('b', blockOf(heap, arena.address));
    arena.dispose();
    const rSize = blockOf(heap, r);
    const r2 = heap.realloc(r, 100); // shrinks in place: now an allocation with no tag
    expect(r2).toBe(r);
    want.free('b', rSize);
    track(null, r2);
    heap.trim(); // cached blocks go back to the free lists: no count changes
    const got = userTags(heap.report());
    expect(got).toEqual(want.tags);
    heap.check();
    // Everything freed: every user tag is back to 0 live, its peak kept.
    heap.free(a4);
    heap.free(a5);
    table.dispose();
    heap.free(n1);
    heap.free(r2);
    const after = heap.report();
    for (const t of after.tags) if (t.tag !== '(allocator)') expect([t.tag, t.liveBlocks, t.liveBytes, t.allocs - t.frees]).toEqual([t.tag, 0, 0, 0]);
    expect(after.tags.find((t) => t.tag === 'a')!.peakLiveBytes).toBe(want.tags.get('a')!.peakLiveBytes);
    heap.check();
  });

  it('a pool counts its header, free stack and slabs under the tag in effect when it took them', () => {
    const heap = new Heap({ profile: true });
    heap.tag('pool');
    const pool = heap.pool(32, { capacity: 100 });
    heap.tag('other');
    const p = pool.alloc(); // pool blocks are the pool's business: no heap allocation
    const r = heap.report().tags.find((t) => t.tag === 'pool')!;
    expect(r.liveBlocks).toBe(3); // header, stack, one slab
    expect(heap.report().tags.find((t) => t.tag === 'other')).toBeUndefined();
    pool.free(p);
    pool.dispose();
    expect(heap.report().tags.find((t) => t.tag === 'pool')).toMatchObject({ liveBlocks: 0, liveBytes: 0, allocs: 3, frees: 3 });
    heap.check();
  });

  it('stay exact through 10 000 random operations under four tags, and check() agrees with the trailers', () => {
    const heap = new Heap({ profile: true, initialBytes: 1 << 16 });
    const random = rng(12);
    const want = new Tallies();
    const names = ['w', 'x', null, 'z'];
    const live: { p: number; tag: string | null; size: number }[] = [];
    for (let i = 0; i < 10_000; i++) {
      const tag = names[Math.floor(random() * names.length)];
      heap.tag(tag);
      if (live.length > 0 && random() < 0.45) {
        const [b] = live.splice(Math.floor(random() * live.length), 1);
        want.free(b.tag, b.size);
        heap.free(b.p);
      } else {
        const bytes = random() < 0.9 ? Math.floor(random() * 600) : 1000 + Math.floor(random() * 20000);
        const p = heap.alloc(bytes);
        const size = blockOf(heap, p);
        want.alloc(tag, size);
        live.push({ p, tag, size });
      }
      if (i % 2500 === 0) heap.check();
    }
    expect(userTags(heap.report())).toEqual(new Map([...want.tags].filter(([, t]) => t.allocs > 0)));
    heap.check();
  });
});

describe('leaks(snapshot)', () => {
  it('attributes a seeded leak of 137 blocks in 10 000 churn ops to its tag and to its call site', () => {
    const heap = new Heap({ profile: true, initialBytes: 1 << 18 });
    heap.sampleCallSites(32);
    const random = rng(7);
    const live: number[] = [];
    heap.tag('steady');
    for (let i = 0; i < 500; i++) live.push(heap.alloc(16 + Math.floor(random() * 497)));
    const snap = heap.snapshot();
    // 10 000 ops of churn; 137 of them, at seeded places, call a helper that forgets to free.
    const leakAt = new Set<number>();
    while (leakAt.size < 137) leakAt.add(Math.floor(random() * 10_000));
    let leakedBytes = 0;
    const leakyHelper = (bytes: number): void => {
      const before = heap.tag('parser');
      const p = heap.alloc(bytes); // never freed
      heap.tag(before);
      leakedBytes += blockOf(heap, p);
    };
    for (let op = 0; op < 10_000; op++) {
      const bytes = 16 + Math.floor(random() * 497);
      if (leakAt.has(op)) leakyHelper(bytes);
      const k = Math.floor(random() * live.length);
      heap.free(live[k]);
      live[k] = heap.alloc(bytes);
    }
    // The churn's own blocks are freed at the end of its phase: what stays is the leak.
    for (const p of live) heap.free(p);
    const leaks = heap.leaks(snap);
    const parser = leaks.tags.find((t) => t.tag === 'parser')!;
    expect(parser.blocks).toBe(137);
    expect(parser.bytes).toBeGreaterThanOrEqual(0.95 * leakedBytes);
    expect(leaks.bytes).toBe(leakedBytes); // nothing else allocated after the snapshot is live
    // By call site: the sampled allocations point at the helper, with ~ the leaked bytes.
    const site = leaks.sites[0];
    expect(site.tag).toBe('parser');
    expect(site.site).toMatch(/leakyHelper/);
    expect(site.estimatedBytes).toBeGreaterThanOrEqual(0.95 * leakedBytes);
    expect(site.estimatedBytes).toBeLessThanOrEqual(1.05 * leakedBytes);
    expect(String(leaks)).toMatch(/137 blocks .* allocated since the snapshot are still live/);
    heap.check();
  });

  it('leaves out blocks allocated before the snapshot and blocks freed since', () => {
    const heap = new Heap({ profile: true });
    const before = heap.alloc(100);
    const snap = heap.snapshot();
    heap.free(heap.alloc(200));
    const after = heap.alloc(300);
    const leaks = heap.leaks(snap);
    expect(leaks.blocks).toBe(1);
    expect(leaks.bytes).toBe(blockOf(heap, after));
    expect(leaks.sites).toEqual([]); // sampling is off by default
    heap.free(before);
  });

  it('throws TypeError for a snapshot of another heap', () => {
    const a = new Heap({ profile: true });
    const b = new Heap({ profile: true });
    expect(() => b.leaks(a.snapshot())).toThrow(TypeError);
    expect(() => b.leaks({ serial: 0, time: 0 })).toThrow(TypeError);
  });

  it("call sites drop the library's own frames and keep the caller's, innermost first", () => {
    const lib = 'file:///app/node_modules/wasm-arena/dist';
    const stack = ['Error', `    at ProfiledHeap._sampleSite (${lib}/profile.js:1:10)`, `    at ProfiledHeap._block (${lib}/profile.js:2:10)`,
      `    at _Heap._alloc (${lib}/chunk-A.js:3:10)`, `    at new Pool (${lib}/chunk-A.js:4:10)`, '    at loadMesh (file:///app/src/mesh.js:10:5)',
      '    at main (file:///app/src/main.js:3:1)'].join('\n');
    expect(userFrames(stack)).toEqual(['loadMesh (file:///app/src/mesh.js:10:5)', 'main (file:///app/src/main.js:3:1)']);
    // A stack of nothing but the library's frames (say, allocations made at import time) is kept whole.
    expect(userFrames(`Error\n    at _Heap._alloc (${lib}/chunk-A.js:3:10)\n    at ProfiledHeap.alloc (${lib}/profile.js:1:1)`))
      .toEqual([`_Heap._alloc (${lib}/chunk-A.js:3:10)`, `ProfiledHeap.alloc (${lib}/profile.js:1:1)`]);
  });

  it('sampleCallSites takes a mean in bytes ≥ 0; anything else throws RangeError', () => {
    const heap = new Heap({ profile: true });
    expect(() => heap.sampleCallSites(-1)).toThrow(RangeError);
    expect(() => heap.sampleCallSites(NaN)).toThrow(RangeError);
    heap.sampleCallSites(0);
  });
});

describe('report()', () => {
  it('has a free-block histogram and fragmentation = 1 − largest free block ÷ free bytes', () => {
    const heap = new Heap({ profile: true, initialBytes: 1 << 20, maximumBytes: 1 << 20 });
    // Free every other block of a run: free space in holes of one size, plus the rest.
    const ps = Array.from({ length: 40 }, () => heap.alloc(2000));
    for (let i = 0; i < ps.length; i += 2) heap.free(ps[i]);
    const r = heap.report();
    const s = heap.stats();
    expect(r.free.bytes).toBe(s.freeBytes);
    expect(r.free.blocks).toBe(s.freeBlocks);
    expect(r.free.largest).toBe(s.largestFreeBlock);
    expect(r.free.histogram.reduce((n, b) => n + b.blocks, 0)).toBe(r.free.blocks);
    expect(r.free.histogram.reduce((n, b) => n + b.bytes, 0)).toBe(r.free.bytes);
    const hole = blockOf(heap, ps[1]);
    expect(r.free.histogram.find((b) => b.from <= hole && hole < b.to)!.blocks).toBe(20);
    expect(r.free.largestShare).toBeCloseTo(r.free.largest / r.free.bytes, 12);
    expect(r.free.fragmentation).toBeCloseTo(1 - r.free.largestShare, 12);
    expect(r.total.liveBytes).toBe(r.tags.reduce((n, t) => n + t.liveBytes, 0));
    expect(r.peakUsedBytes).toBe(s.peakUsedBytes);
  });

  it('prints as a table with a row per tag and a total', () => {
    const heap = new Heap({ profile: true });
    heap.tag('meshes');
    heap.alloc(4000);
    const text = String(heap.report());
    expect(text).toMatch(/^tag +live blocks +live bytes +peak bytes +allocs +frees$/m);
    expect(text).toMatch(/^meshes +1 +3\.92 KiB +3\.92 KiB +1 +0$/m);
    expect(text).toMatch(/^total /m);
    expect(text).toMatch(/fragmentation \d\.\d{3}/);
  });
});

describe('check() of a profile heap', () => {
  it('reports a write past the end of a block that hit its trailer', () => {
    const heap = new Heap({ profile: true });
    heap.tag('a');
    const p = heap.alloc(40);
    heap.u32[(p + heap.usableSize(p)) >>> 2] = 0xdeadbeef; // one word too far
    expect(() => heap.check()).toThrow(HeapCorruptionError);
    expect(() => heap.check()).toThrow(/profile trailer/);
  });

  it('reports a tally that disagrees with the trailers', () => {
    const heap = new Heap({ profile: true });
    heap.tag('a');
    heap.alloc(40);
    heap.check();
    const table = heap.u32[(L.ROOT + L.ROOT_PROFILE) >>> 2];
    const tallies = (table + L.PROFILE_TALLIES + L.TALLY_SIZE - 1) & ~(L.TALLY_SIZE - 1);
    heap.u32[(tallies + L.TAG_FIRST * L.TALLY_SIZE + L.TALLY_LIVE_BYTES) >>> 2] += 8;
    expect(() => heap.check()).toThrow(/profile tally of tag "a"/);
  });

  it('a stray write into Root.profile is reported, and the heap keeps counting in its own table', () => {
    const heap = new Heap({ profile: true });
    const root = (L.ROOT + L.ROOT_PROFILE) >>> 2;
    heap.u32[root] = 64; // points into the null guard
    heap.tag('t');
    for (let i = 0; i < 50; i++) heap.free(heap.alloc(3000)); // wasm paths: they keep their own copy
    expect(() => heap.check()).toThrow(/no longer names the profile table/);
    expect(heap.u32.subarray(0, L.NULL_GUARD >>> 2).every((w) => w === 0)).toBe(true);
    expect(heap.report().tags.find((t) => t.tag === 't')).toMatchObject({ allocs: 50, frees: 50 });
  });
});

describe('heapMap()', () => {
  it('is an SVG with a legend naming every tag, kind and region present', () => {
    const heap = new Heap({ profile: true });
    heap.tag('meshes');
    heap.alloc(30_000);
    heap.tag('frame');
    heap.arena(20_000);
    heap.tag('nodes');
    heap.pool(48, { capacity: 64 });
    heap.tag(null);
    heap.free(heap.alloc(64)); // now cached
    const svg = heap.heapMap();
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    for (const text of ['meshes: ', 'frame · arenas: ', 'nodes · pools (header, stack, slabs): ', 'free: ', 'control block', 'null guard',
      'freed into a cache', 'caches (one per Heap object)', "the profiler's tables"]) {
      expect(svg).toContain(text);
    }
  });

  it('has a bounded number of cells whatever the heap size', () => {
    const heap = new Heap({ profile: true, initialBytes: 64 << 20 });
    for (let i = 0; i < 2000; i++) heap.alloc(16 + (i % 300));
    const svg = heap.heapMap({ columns: 64, maxRows: 32 });
    const cells = (svg.match(/<rect [^>]*><title>/g) ?? []).length;
    expect(cells).toBeGreaterThan(0);
    expect(cells).toBeLessThanOrEqual(64 * 32);
    expect(svg).toMatch(/one cell = 32\.0 KiB/);
  });

  it('still draws a damaged heap, up to the damage, and says where the walk stopped', () => {
    const heap = new Heap({ profile: true });
    const p = heap.alloc(5000);
    heap.alloc(5000);
    heap.u32[(p - 4) >>> 2] ^= 0x1234; // the check word of p's header
    const svg = heap.heapMap();
    expect(svg).toContain('not walked: damaged');
    expect(() => heap.report()).toThrow(HeapCorruptionError);
  });

  it('rejects options out of range with RangeError', () => {
    const heap = new Heap({ profile: true });
    expect(() => heap.heapMap({ columns: 0 })).toThrow(RangeError);
    expect(() => heap.heapMap({ maxRows: 1.5 })).toThrow(RangeError);
  });
});

describe('timeline', () => {
  it('records at every growth and on sample(), live bytes per tag, and plots them', () => {
    const heap = new Heap({ profile: true, initialBytes: 1 << 16 });
    heap.tag('big');
    heap.sample();
    heap.alloc(200_000); // grows memory
    heap.tag('small');
    heap.alloc(100);
    heap.sample();
    const t = heap.timeline();
    expect(t.samples.map((s) => s.reason)).toEqual(['request', 'growth', 'request']);
    const big = t.tags.indexOf('big');
    const small = t.tags.indexOf('small');
    const last = t.samples[2];
    expect(last.byTag[big]).toBe(heap.report().tags.find((r) => r.tag === 'big')!.liveBytes);
    expect(last.byTag[small]).toBeGreaterThan(100);
    expect(last.liveBytes).toBe(last.byTag.reduce((a, b) => a + b, 0));
    expect(t.samples[1].heapBytes).toBeGreaterThan(t.samples[0].heapBytes);
    const svg = t.toSVG();
    expect((svg.match(/<polygon /g) ?? []).length).toBe(3); // (allocator), big, small
    expect(svg).toContain('memory grew');
  });
});
