// The profiler's public types. Types only: src/heap.ts imports them (`import type`) to declare the
// profiling methods, so the main entry point bundles none of the profiler's code.

/**
 * One tag's figures. Bytes are whole blocks (the 8-byte header and the 8-byte profile trailer
 * included): what the tag costs the heap. Arenas, pools, rings and struct-of-arrays tables count
 * as the blocks they take from the heap (an arena's region, a pool's slabs), not per object
 * inside them.
 */
export interface TagReport {
  /**
   * The name given to `heap.tag(name)`; `null` for allocations made while no tag was set;
   * `'(allocator)'` for the heap's own blocks (one cache per Heap object, the profiler's tables).
   */
  tag: string | null;
  /** Blocks allocated with this tag and not freed yet. */
  liveBlocks: number;
  /** Their bytes. */
  liveBytes: number;
  /** The most `liveBytes` has ever been. */
  peakLiveBytes: number;
  /** Allocations made with this tag (a `realloc` counts as a free and an allocation). */
  allocs: number;
  /** Of those, freed (`allocs - liveBlocks`). */
  frees: number;
}

/** Free blocks whose size is in [from, to): a power-of-two bucket of the histogram. */
export interface FreeBucket {
  from: number;
  to: number;
  blocks: number;
  bytes: number;
}

/** What `heap.report()` returns: exact counts, read from the heap's tallies in linear memory. */
export interface ProfileReport {
  /** Every tag that has allocated, most live bytes first. */
  tags: TagReport[];
  /** All tags together. */
  total: Omit<TagReport, 'tag' | 'peakLiveBytes'>;
  /**
   * The most bytes the heap has held out of its free lists at once: live blocks of every tag,
   * blocks parked in caches and the allocator's own (`heap.stats().peakUsedBytes`). The peak
   * of all tags' live bytes together is at most this. (Per-tag peaks are exact; a peak of their
   * sum would cost the allocation fast path two more memory updates.)
   */
  peakUsedBytes: number;
  /** Bytes the heap spans (see `heap.stats().heapBytes`). */
  heapBytes: number;
  /** Blocks freed into a Heap object's cache, ready for reuse: neither live nor free here. */
  cachedBlocks: number;
  cachedBytes: number;
  free: {
    blocks: number;
    bytes: number;
    /** The largest free block (a request up to this minus 16 bytes needs no growth). */
    largest: number;
    /** largest ÷ bytes: 1 when all free space is one block, near 0 when it is in crumbs. */
    largestShare: number;
    /** 1 − largestShare. */
    fragmentation: number;
    /** Free blocks by size, powers of two, smallest first (empty buckets left out). */
    histogram: FreeBucket[];
  };
  /** The report as a text table. */
  toString(): string;
}

/** A point in a profile heap's history: pass it to `heap.leaks(snapshot)`. */
export interface Snapshot {
  /** Serial number of the first allocation after the snapshot. */
  readonly serial: number;
  /** When it was taken (ms, the same clock as the timeline). */
  readonly time: number;
}

/** Blocks of one tag that are live and were allocated after a snapshot. */
export interface LeakTag {
  tag: string | null;
  blocks: number;
  bytes: number;
}

/** Sampled allocations made at one call site that are still live (call-site sampling on). */
export interface LeakSite {
  /** The first stack frame outside the library (`at fn (file:line:column)`). */
  site: string;
  /** Up to 8 frames, innermost first, of one sampled allocation. */
  stack: string[];
  tag: string | null;
  /** Sampled allocations from this site that are still live. */
  sampledBlocks: number;
  /** Their bytes (whole blocks). */
  sampledBytes: number;
  /**
   * Bytes this site's live allocations are estimated to hold: each sample stands for the bytes
   * allocated around it (jemalloc's unbiasing: size ÷ (1 − e^(−size/mean))).
   */
  estimatedBytes: number;
}

/** What `heap.leaks(snapshot)` returns. */
export interface LeakReport {
  since: Snapshot;
  /** Live blocks allocated after the snapshot, all tags. */
  blocks: number;
  bytes: number;
  /** By tag, most bytes first. */
  tags: LeakTag[];
  /** By call site, most estimated bytes first; empty unless `heap.sampleCallSites()` was on. */
  sites: LeakSite[];
  toString(): string;
}

/** Options of `heap.heapMap()`. */
export interface HeapMapOptions {
  /** Cells per row (default 128). */
  columns?: number;
  /** At most this many rows (default 64): a cell holds a power of two of bytes, chosen to fit. */
  maxRows?: number;
  /** Pixels per cell side (default 6). */
  cellSize?: number;
  /** A title above the map (default: the heap's size and use). */
  title?: string;
}

/** One point of the timeline. */
export interface TimelineSample {
  /** ms since the heap was made. */
  time: number;
  /** Bytes the heap spanned. */
  heapBytes: number;
  /** Live bytes, all tags. */
  liveBytes: number;
  /** Live bytes per tag, indexed like `Timeline.tags`. */
  byTag: number[];
  /** 'growth': memory had just grown; 'request': `heap.sample()`. */
  reason: 'growth' | 'request';
}

/** Live bytes per tag over time: `heap.timeline()`. */
export interface Timeline {
  /** Tag names, indexed by tag id (`null`: no tag). */
  tags: (string | null)[];
  /** Oldest first; the newest `capacity` samples are kept. */
  samples: TimelineSample[];
  /** A stacked area chart of `samples` (an SVG document), like `mprof plot`. */
  toSVG(options?: { width?: number; height?: number }): string;
}
