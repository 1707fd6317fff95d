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
 * One thread's share of the churn: `step(n)` runs n random operations as thread `id` (0-based) of
 * `layout.threads` on `heap`; `drain()`, once this thread is done, takes what the others still
 * send and frees everything it holds, and says when every thread is done and nothing is left.
 * `ctl`: the control block (an Int32Array over shared memory). Options: seed, maxLive (blocks this
 * thread holds at most), send (share of new blocks handed to another thread), realtime (tryAlloc;
 * a realloc that finds the heap busy counts as busy). Counters in `out`; `overwritten` must be 0.
 */
export class Churner {
  constructor(heap, ctl, layout, id, options = {}) {
    const { seed = 1, maxLive = 1000, send = 0.6, realtime = false } = options;
    this.heap = heap;
    this.ctl = ctl;
    this.layout = layout;
    this.id = id;
    this.tid = id + 1;
    this.send = layout.threads > 1 ? send : 0;
    this.realtime = realtime;
    this.random = rng(seed * 0x9e3779b1 + id + 1);
    this.live = new Int32Array(maxLive);
    this.sizes = new Int32Array(maxLive);
    this.n = 0;
    this.seq = 0;
    this.out = {
      id, ops: 0, allocs: 0, frees: 0, crossFrees: 0, reallocs: 0, crossReallocs: 0, measured: 0, received: 0, sent: 0,
      busy: 0, overwritten: 0, firstError: '',
    };
  }

  fail(what, p, size) {
    this.out.overwritten++;
    if (!this.out.firstError) {
      const u32 = this.heap.u32;
      this.out.firstError = `thread ${this.tid}: ${what} block 0x${(p >>> 0).toString(16)} (${size} B): stamp overwritten (${u32[p >>> 2]}, ${u32[(p >>> 2) + 1]})`;
    }
  }

  /** Verifies and frees live block j (measuring it on this thread first). */
  freeAt(j) {
    const { heap, live, sizes, out } = this;
    const p = live[j] >>> 0;
    const size = sizes[j];
    const owner = verify(heap.u32, p, size);
    if (owner < 0) this.fail('freeing', p, size);
    else {
      if (owner !== this.tid) {
        out.crossFrees++;
        if (heap.usableSize(p) < size) this.fail('measuring', p, size);
        out.measured++;
      }
      heap.free(p);
    }
    out.frees++;
    this.n--;
    live[j] = live[this.n];
    sizes[j] = sizes[this.n];
  }

  /** Runs n random operations. */
  step(n) {
    const { heap, ctl, layout, live, sizes, out, random } = this;
    const others = layout.threads - 1;
    for (let k = 0; k < n; k++) {
      if ((k & 15) === 0) this.receive();
      const r = random();
      if (this.n === 0 || (r < 0.45 && this.n < live.length)) {
        const size = sizeOf(random());
        const p = this.realtime ? heap.tryAlloc(size) : heap.alloc(size);
        out.allocs++;
        if (p === 0) {
          out.busy++;
          continue;
        }
        stamp(heap.u32, p, size, this.tid, ++this.seq);
        if (random() < this.send) {
          const to = (this.id + 1 + Math.floor(random() * others)) % layout.threads;
          if (push(ctl, ringAt(layout, this.id, to), layout.cap, p, size)) {
            out.sent++;
            continue;
          }
        }
        live[this.n] = p;
        sizes[this.n++] = size;
      } else if (r < 0.85) {
        this.freeAt(Math.floor(random() * this.n));
      } else {
        this.realloc(Math.floor(random() * this.n));
      }
    }
    out.ops += n;
  }

  /** Verifies live block j, reallocates it to a random size, verifies what it kept, restamps it. */
  realloc(j) {
    const { heap, live, sizes, out } = this;
    const p = live[j] >>> 0;
    const size = sizes[j];
    const owner = verify(heap.u32, p, size);
    if (owner < 0) {
      this.fail('reallocating', p, size);
      return;
    }
    const next = sizeOf(this.random());
    let q = 0;
    try {
      q = heap.realloc(p, next);
    } catch (e) {
      if (!this.realtime || !/busy/.test(e.message)) throw e;
      out.busy++;
      return;
    }
    out.reallocs++;
    if (owner !== this.tid) out.crossReallocs++;
    const u32 = heap.u32; // realloc may have grown memory
    if (verify(u32, q, size, Math.min(size, next) & ~63) < 0) this.fail('reallocated', q, next);
    stamp(u32, q, next, this.tid, ++this.seq);
    live[j] = q;
    sizes[j] = next;
  }

  /** Takes the blocks other threads sent this one; frees one first whenever it holds maxLive. */
  receive() {
    const { ctl, layout, live, sizes, out } = this;
    for (let from = 0; from < layout.threads; from++) {
      if (from === this.id) continue;
      const r = ringAt(layout, from, this.id);
      let head = ctl[r + RING_HEAD];
      const tail = Atomics.load(ctl, r + RING_TAIL);
      while (head !== tail) {
        const e = r + RING_ENTRIES + 2 * (head % layout.cap);
        if (this.n === live.length) this.freeAt(0);
        live[this.n] = ctl[e];
        sizes[this.n++] = ctl[e + 1];
        out.received++;
        head++;
      }
      Atomics.store(ctl, r + RING_HEAD, head);
    }
  }

  /** This thread will send nothing more. */
  done() {
    Atomics.store(this.ctl, this.layout.doneAt + this.id, 1);
  }

  /**
   * After done(): frees what this thread holds and what the others sent; true once every thread
   * is done and this one holds nothing (call again until then).
   */
  drain() {
    const { ctl, layout } = this;
    let done = 0;
    for (let t = 0; t < layout.threads; t++) done += Atomics.load(ctl, layout.doneAt + t);
    this.receive();
    while (this.n > 0) this.freeAt(this.n - 1);
    return done === layout.threads && (this.receive(), this.n === 0);
  }
}

/** Runs `ops` operations as thread `id`, then frees everything once all threads are done. */
export function churn(heap, ctl, layout, id, ops, options = {}) {
  const c = new Churner(heap, ctl, layout, id, options);
  c.step(ops);
  c.done();
  while (!c.drain()) {
    /* the others are still running */
  }
  return c.out;
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

/**
 * Pools across threads: thread 0 owns a pool of 48-byte blocks; it allocates, stamps and hands
 * most blocks to the others, which verify and free them through `Pool.attach` (the remote-free
 * stack); the owner frees the rest itself. At the end the owner allocates the pool's whole
 * capacity: every block must come back (drained from the remote stack) without the pool growing.
 * `poolAt`: a control word where the owner publishes the pool's address.
 */
export function poolChurn(heap, ctl, layout, id, ops, Pool, poolAt, seed = 1) {
  const random = rng(seed * 0x9e3779b1 + id + 1);
  const out = { id, allocs: 0, localFrees: 0, remoteFrees: 0, sent: 0, overwritten: 0, firstError: '', grew: false, capacity: 0 };
  const check = (p) => {
    if (verify(heap.u32, p, 48) < 0 && !out.firstError) {
      out.overwritten++;
      out.firstError = `thread ${id + 1}: pool block 0x${p.toString(16)}: stamp overwritten`;
    }
  };
  if (id === 0) {
    const pool = heap.pool(48, { capacity: 256 });
    Atomics.store(ctl, poolAt, pool.address);
    Atomics.notify(ctl, poolAt);
    const local = [];
    for (let k = 0; k < ops; k++) {
      const p = pool.alloc();
      out.allocs++;
      stamp(heap.u32, p, 48, 1, k + 1);
      const to = 1 + Math.floor(random() * (layout.threads - 1));
      if (random() < 0.7) {
        while (!push(ctl, ringAt(layout, 0, to), layout.cap, p, 48)) {
          /* that thread is behind: wait for room (it frees what it has, then takes more) */
        }
        out.sent++;
      } else {
        local.push(p);
      }
      if (local.length > 64) {
        const q = local.splice(Math.floor(random() * local.length), 1)[0];
        check(q);
        pool.free(q);
        out.localFrees++;
      }
    }
    for (const q of local) pool.free(q);
    out.localFrees += local.length;
    Atomics.store(ctl, layout.doneAt, 1);
    // Once the others freed all they got, every block of the pool is free again (some on the
    // remote stack): taking the whole capacity must not grow the pool.
    for (;;) {
      let done = 0;
      for (let t = 0; t < layout.threads; t++) done += Atomics.load(ctl, layout.doneAt + t);
      if (done === layout.threads) break;
    }
    const capacity = pool.capacity;
    const all = [];
    for (let i = 0; i < capacity; i++) all.push(pool.alloc());
    out.grew = pool.capacity !== capacity;
    out.capacity = capacity;
    out.distinct = new Set(all).size;
    for (const q of all) pool.free(q);
    out.live = pool.live;
    pool.dispose();
    return out;
  }
  while (Atomics.load(ctl, poolAt) === 0) Atomics.wait(ctl, poolAt, 0, 5);
  const pool = Pool.attach(heap, Atomics.load(ctl, poolAt) >>> 0);
  const r = ringAt(layout, 0, id);
  for (;;) {
    const ownerDone = Atomics.load(ctl, layout.doneAt) === 1; // read before the ring: nothing comes after it
    let head = ctl[r + RING_HEAD];
    const tail = Atomics.load(ctl, r + RING_TAIL);
    for (; head !== tail; head++) {
      const p = ctl[r + RING_ENTRIES + 2 * (head % layout.cap)] >>> 0;
      check(p);
      pool.free(p);
      out.remoteFrees++;
    }
    Atomics.store(ctl, r + RING_HEAD, head);
    if (ownerDone && head === tail) break;
  }
  Atomics.store(ctl, layout.doneAt + id, 1);
  return out;
}
