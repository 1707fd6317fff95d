// The simulation thread of the particles-workers example. It attaches to the page's shared heap
// and runs the particles example's simulation there (HeapFireworks: every particle a row of ONE
// struct-of-arrays table in the heap), one frame whenever the page asks. The page draws from the
// same columns, reading the memory this thread writes: no copy, no message per frame. Bursts
// arrive as Launch records the page allocated; this thread reads each one and frees it (a block
// allocated on one thread, freed on another).

import { Heap } from '../../dist/index.js';
import '../../dist/shared.js';
import { HeapFireworks, Launch } from '../particles/sim.js';
import { RING, word } from './link.js';

/** Rows the table holds; it never grows (a burst that does not fit is skipped), so it never moves. */
const CAPACITY = 20000;

self.onmessage = (e) => {
  const { module, memory, link, seed, width, height } = e.data;
  const heap = Heap.fromModule(module, { memory });
  // Bursts come from the page, not from the simulation's own schedule (launchEvery: never).
  const sim = new HeapFireworks(heap, { width, height, seed, launchEvery: Infinity });
  sim.table.reserve(CAPACITY);
  sim.columns();
  const i32 = heap.i32;
  const u32 = heap.u32;
  const f32 = heap.f32;
  u32[word(link, 'x')] = heap.addressOf(sim.x);
  u32[word(link, 'y')] = heap.addressOf(sim.y);
  u32[word(link, 'color')] = heap.addressOf(sim.rgba);
  const launch = Launch.cursor(heap);
  const wanted = word(link, 'wanted');
  const done = word(link, 'done');

  function step() {
    // The bursts the page queued: add each (unless the table is full), then free its record.
    for (let h = i32[word(link, 'head')]; h !== Atomics.load(i32, word(link, 'tail')); h++) {
      const p = u32[word(link, 'ring') + (h % RING)];
      const b = launch.at(p);
      if (sim.table.length + b.n > CAPACITY || !sim.launch(b)) Atomics.add(i32, word(link, 'skipped'), 1);
      heap.free(p); // allocated by the page
      Atomics.add(i32, word(link, 'freed'), 1);
      Atomics.store(i32, word(link, 'head'), h + 1);
    }
    u32[word(link, 'live')] = sim.update(null); // move, fade out; plotting is the page's
  }

  postMessage({ ready: true });
  // Frames on demand: sleep until the page asks for more than this thread has done.
  for (;;) {
    const want = Atomics.load(i32, wanted);
    const have = i32[done];
    if (want === have) {
      Atomics.wait(i32, wanted, want);
      continue;
    }
    const t0 = performance.now();
    step();
    f32[word(link, 'simMs')] = performance.now() - t0;
    Atomics.store(i32, done, have + 1);
    Atomics.notify(i32, done);
  }
};
