// Seeded, garbage-free pseudo-random numbers, so every peer replays the identical sequence.

/** Small fast PRNG (mulberry32 variant) with 32-bit state; `next()` returns a uint32. */
export class Rng {
  constructor(seed = 0x9e3779b9) {
    this.s = seed >>> 0;
  }
  next() {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform float in [0, 1). */
  float() {
    return this.next() / 4294967296;
  }
  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo, hi) {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }
}

/** Live-set sizes and size distributions of the churn workload. */
export const LIVE_SETS = [100, 1000, 10_000, 100_000];
export const VARIANTS = { small: '16–512 B', wide: '16 B–64 KiB' };

/** Length of the pre-generated sequences; a power of two so `k & SEQ_MASK` wraps. */
export const SEQ_LEN = 1 << 18;
export const SEQ_MASK = SEQ_LEN - 1;

/**
 * Block sizes for the churn workloads.
 * 'small': uniform 16–512 B. 'wide': log-uniform 16 B–64 KiB (every power-of-two band equally
 * likely, so each size class of a segregated-fit allocator is exercised).
 */
export function sizeSequence(kind, seed = 1) {
  const rng = new Rng(seed);
  const out = new Uint32Array(SEQ_LEN);
  for (let i = 0; i < SEQ_LEN; i++) {
    if (kind === 'small') out[i] = rng.int(16, 512);
    else out[i] = Math.min(65536, Math.floor(16 * Math.pow(4096, rng.float())));
  }
  return out;
}

/** Random slot indices in [0, n): which live block is freed (and replaced) at each step. */
export function slotSequence(n, seed = 2) {
  const rng = new Rng(seed);
  const out = new Uint32Array(SEQ_LEN);
  for (let i = 0; i < SEQ_LEN; i++) out[i] = rng.next() % n;
  return out;
}

/** Mean of a size sequence, used to size fixed-capacity peers. */
export function meanSize(seq) {
  let s = 0;
  for (let i = 0; i < seq.length; i++) s += seq[i];
  return s / seq.length;
}
