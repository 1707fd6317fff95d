// The threads stress workload, host-free (it runs in Node worker_threads, browser Workers and an
// AudioWorklet): random alloc / free / realloc of 8 B–4 KiB on one shared heap, with blocks handed
// to other threads through single-producer single-consumer rings in shared memory, so that a large
// share of the frees and reallocs are of blocks another thread allocated.
//
// Every block is stamped when it is allocated: word 0 = owner thread << 24 | sequence number (24
// bits), word 1 = sequence number, and a word derived from both every 64 bytes after them and in
// the block's last whole word. Whoever frees or reallocs a block verifies the stamp first: a block
// handed out twice, or overlapping another, shows as an overwritten stamp. Nothing here uses a
// host API; the caller passes `now` (performance.now) where latency is measured.

/** Words per ring header (head, tail: on their own 64-byte lines). */
const RING_HEAD = 0;
const RING_TAIL = 16;
const RING_ENTRIES = 32;

/** Int32 words a ring of `cap` entries (address, size) takes. */
export const ringWords = (cap) => RING_ENTRIES + 2 * cap;

/**
 * The control block of `threads` threads: one flag word per thread (done sending), a start
 * barrier, then a ring for every ordered pair (from, to), from ≠ to.
 */
export function controlLayout(threads, cap) {
  const rings = threads * threads;
  return { threads, cap, doneAt: 0, startAt: 64, ringsAt: 128, words: 128 + rings * ringWords(cap) };
}

/** The ring carrying blocks from thread `from` to thread `to` (0-based). */
function ringAt(layout, from, to) {
  return layout.ringsAt + (from * layout.threads + to) * ringWords(layout.cap);
}

/** Pushes (p, size) on a ring; false when it is full. Single producer. */
function push(ctl, r, cap, p, size) {
  const tail = ctl[r + RING_TAIL];
  if (tail - Atomics.load(ctl, r + RING_HEAD) >= cap) return false;
  const e = r + RING_ENTRIES + 2 * (tail % cap);
  ctl[e] = p;
  ctl[e + 1] = size;
  Atomics.store(ctl, r + RING_TAIL, tail + 1); // publishes the block (and its stamp) to the consumer
  return true;
}

/** xorshift32: a fast deterministic generator; returns a float in [0, 1). */
function rng(seed) {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/** 8 B–4 KiB, skewed to small sizes like real programs (log-uniform). */
const sizeOf = (r) => Math.floor(8 * Math.pow(512, r));

const checkWord = (w0, w1, i) => (Math.imul(w0 ^ (i * 0x9e3779b1), 0x85ebca77) ^ w1) >>> 0;

/** Stamps the block at p (`size` bytes) for owner `id` and sequence `seq`. */
export function stamp(u32, p, size, id, seq) {
  const w = p >>> 2;
  const w0 = ((id << 24) | (seq & 0xffffff)) >>> 0;
  u32[w] = w0;
  u32[w + 1] = seq;
  const end = w + (size >>> 2); // words [w, end) lie inside the block
  for (let i = w + 16; i < end; i += 16) u32[i] = checkWord(w0, seq, i - w);
  if (end - w > 2) u32[end - 1] = checkWord(w0, seq, end - 1 - w);
}

/**
 * The owner id of a stamped block whose first `size` bytes are verified, or -1 when its stamp was
 * overwritten. `limit` (≤ size) checks only the words below it plus, when limit = size, the last.
 */
export function verify(u32, p, size, limit = size) {
  const w = p >>> 2;
  const w0 = u32[w];
  const w1 = u32[w + 1];
  if ((w0 & 0xffffff) !== (w1 & 0xffffff) || w0 >>> 24 === 0) return -1;
  const end = w + (limit >>> 2);
  for (let i = w + 16; i < end; i += 16) if (u32[i] !== checkWord(w0, w1, i - w)) return -1;
  const last = w + (size >>> 2) - 1;
  if (limit === size && last - w > 1 && u32[last] !== checkWord(w0, w1, last - w)) return -1;
  return w0 >>> 24;
}

/**
 * Runs `ops` random operations as thread `id` (0-based) of `layout.threads` on `heap`.
 * `ctl`: the control block (an Int32Array over shared memory). Options: seed, maxLive (blocks
 * this thread holds at most), send (share of new blocks handed to another thread), realtime
 * (tryAlloc; a realloc that finds the heap busy counts as busy), onOp (called every 4096 ops).
 * Returns counters; `overwritten` must be 0. When every thread has run, each frees what it
 * holds (finish()).
 */
export function churn(heap, ctl, layout, id, ops, options = {}) {
  const { seed = 1, maxLive = 1000, send = 0.6, realtime = false } = options;
  const random = rng(seed * 0x9e3779b1 + id + 1);
  const others = layout.threads - 1;
  const live = new Int32Array(maxLive);
  const sizes = new Int32Array(maxLive);
  const tid = id + 1;
  const out = {
    id, ops: 0, allocs: 0, frees: 0, crossFrees: 0, reallocs: 0, crossReallocs: 0, received: 0, sent: 0,
    busy: 0, overwritten: 0, firstError: '', live, sizes, n: 0, seq: 0,
  };
  const fail = (what, p, size) => {
    out.overwritten++;
    if (!out.firstError) out.firstError = `thread ${tid}: ${what} block 0x${(p >>> 0).toString(16)} (${size} B): stamp overwritten (${heap.u32[p >>> 2]}, ${heap.u32[(p >>> 2) + 1]})`;
  };
  const freeAt = (j) => {
    const p = live[j] >>> 0;
    const size = sizes[j];
    const owner = verify(heap.u32, p, size);
    if (owner < 0) fail('freeing', p, size);
    else {
      if (owner !== tid) out.crossFrees++;
      heap.free(p);
    }
    out.frees++;
    out.n--;
    live[j] = live[out.n];
    sizes[j] = sizes[out.n];
  };
  for (let k = 0; k < ops; k++) {
    if ((k & 15) === 0) receive(heap, ctl, layout, id, out, freeAt);
    const r = random();
    if (out.n === 0 || (r < 0.45 && out.n < maxLive)) {
      const size = sizeOf(random());
      const p = realtime ? heap.tryAlloc(size) : heap.alloc(size);
      out.allocs++;
      if (p === 0) {
        out.busy++;
        continue;
      }
      stamp(heap.u32, p, size, tid, ++out.seq);
      if (others > 0 && random() < send) {
        const to = (id + 1 + Math.floor(random() * others)) % layout.threads;
        if (push(ctl, ringAt(layout, id, to), layout.cap, p, size)) {
          out.sent++;
          continue;
        }
      }
      live[out.n] = p;
      sizes[out.n++] = size;
    } else if (r < 0.85) {
      freeAt(Math.floor(random() * out.n));
    } else {
      const j = Math.floor(random() * out.n);
      const p = live[j] >>> 0;
      const size = sizes[j];
      const owner = verify(heap.u32, p, size);
      if (owner < 0) {
        fail('reallocating', p, size);
        continue;
      }
      const next = sizeOf(random());
      let q = 0;
      try {
        q = heap.realloc(p, next);
      } catch (e) {
        if (!realtime || !/busy/.test(e.message)) throw e;
        out.busy++;
        continue;
      }
      out.reallocs++;
      if (owner !== tid) out.crossReallocs++;
      const u32 = heap.u32; // realloc may have grown memory
      if (verify(u32, q, size, Math.min(size, next) & ~63) < 0) fail('reallocated', q, next);
      stamp(u32, q, next, tid, ++out.seq);
      live[j] = q;
      sizes[j] = next;
    }
    if ((k & 4095) === 0 && options.onOp) options.onOp(k);
  }
  out.ops = ops;
  Atomics.store(ctl, layout.doneAt + id, 1);
  return out;
}

/** Takes the blocks other threads sent this one; frees them at once when it holds maxLive. */
function receive(heap, ctl, layout, id, out, freeAt) {
  const { live, sizes } = out;
  for (let from = 0; from < layout.threads; from++) {
    if (from === id) continue;
    const r = ringAt(layout, from, id);
    let head = ctl[r + RING_HEAD];
    const tail = Atomics.load(ctl, r + RING_TAIL);
    while (head !== tail) {
      const e = r + RING_ENTRIES + 2 * (head % layout.cap);
      if (out.n === live.length) freeAt(0);
      live[out.n] = ctl[e];
      sizes[out.n++] = ctl[e + 1];
      out.received++;
      head++;
    }
    Atomics.store(ctl, r + RING_HEAD, head);
  }
}

/**
 * After churn(): keeps taking what the others send until every thread is done, then frees every
 * block this thread holds. Returns the counters.
 */
export function finish(heap, ctl, layout, out) {
  const freeAt = (j) => {
    const p = out.live[j] >>> 0;
    const size = out.sizes[j];
    const owner = verify(heap.u32, p, size);
    if (owner < 0) {
      out.overwritten++;
      if (!out.firstError) out.firstError = `thread ${out.id + 1}: freeing block 0x${p.toString(16)} at the end: stamp overwritten`;
    } else {
      if (owner !== out.id + 1) out.crossFrees++;
      heap.free(p);
    }
    out.frees++;
    out.n--;
    out.live[j] = out.live[out.n];
    out.sizes[j] = out.sizes[out.n];
  };
  for (;;) {
    let done = 0;
    for (let t = 0; t < layout.threads; t++) done += Atomics.load(ctl, layout.doneAt + t);
    receive(heap, ctl, layout, out.id, out, freeAt);
    while (out.n > 0) freeAt(out.n - 1);
    if (done === layout.threads) {
      receive(heap, ctl, layout, out.id, out, freeAt); // what was sent before the last done flag
      while (out.n > 0) freeAt(out.n - 1);
      break;
    }
  }
  const { live, sizes, ...counters } = out;
  return counters;
}

/**
 * Alloc+free pairs of 16–512 B on a realtime heap while others churn: the latency of each pair
 * (ms, from `now`) into `samples`; returns how many pairs found the heap busy (tryAlloc → 0).
 * The first `warm` pairs are not timed: they let the engine compile the loop and fill this
 * thread's cache bins once (what a realtime thread does before it starts, or prefill() does).
 */
export function latency(heap, samples, now, seed = 1, warm = 50_000) {
  const random = rng(seed);
  let busy = 0;
  for (let i = -warm; i < samples.length; i++) {
    const size = 16 + Math.floor(random() * 497);
    const t0 = now();
    const p = heap.tryAlloc(size);
    if (p !== 0) {
      heap.u32[p >>> 2] = i;
      heap.free(p);
    } else if (i >= 0) {
      busy++;
    }
    if (i >= 0) samples[i] = now() - t0;
  }
  return busy;
}
