// The one record the page and the simulation Worker share, in the heap they share: what the page
// asks for (frames, bursts to launch), what the Worker did (frames, particles, records it freed)
// and where the particle columns are. The counters the other side waits on are read and written
// with Atomics (hand-off points); the columns themselves are plain memory both sides index.

import { struct } from '../../dist/index.js';

/** Launch requests in flight at most (a ring of addresses: the page pushes, the Worker pops). */
export const RING = 64;

export const Link = struct({
  wanted: 'u32', // frames the page asked for (the page writes, the Worker waits on it)
  done: 'u32', // frames the Worker finished (the Worker writes, the page waits on it)
  live: 'u32', // live particles after the last finished frame
  x: 'u32', // address of the x column (f32 per particle); the table never moves
  y: 'u32', // address of the y column
  color: 'u32', // address of the colour column (one RGBA pixel, u32, per particle)
  head: 'u32', // launch ring: next entry the Worker takes
  tail: 'u32', // launch ring: next entry the page fills
  freed: 'u32', // launch records the Worker freed (the page allocated them)
  skipped: 'u32', // bursts the Worker could not fit (the table is full)
  simMs: 'f32', // the Worker's time for its last frame
  ring: ['u32', RING], // addresses of Launch records (made by the page, freed by the Worker)
});

/** Word index of a u32 field of the link record at `link` (for Atomics on heap.i32). */
export const word = (link, field) => (link + Link.offsets[field]) >>> 2;
