// Fireworks particle simulation, written twice with the same behaviour:
//
//  HeapFireworks — particle state lives in a wasm-arena heap, in ONE struct-of-arrays table
//                  (`heap.soa(Particle, n)`): a Float32Array column per coordinate, a Uint16Array
//                  of remaining life, a Uint8Array of RGBA bytes (4 per particle). A frame loops
//                  over the columns and creates no JS objects; a faded particle is removed in
//                  O(1) (the last row moves into its place). The burst being launched is a heap
//                  record too, written through a cursor — the same code fills a plain object in
//                  JS mode.
//  JsFireworks   — the everyday way: one {x, y, vx, vy, life, color} object per particle, left
//                  to the garbage collector when it fades.
//
// Both draw into a shared 32-bit pixel buffer and take their randomness from the same seeded
// generator, so for a given seed they show the same picture.
// Both are free of DOM and timing code: the page and the tests drive them.

import { struct } from '../../dist/index.js';

const GRAVITY = 0.045;
const DRAG = 0.985;

/** One particle: 22 bytes of state, stored as columns by heap.soa. */
export const Particle = struct({ x: 'f32', y: 'f32', vx: 'f32', vy: 'f32', life: 'u16', color: ['u8', 4] });
/** The burst being launched (one heap record, read and written through a cursor). */
export const Launch = struct({ cx: 'f32', cy: 'f32', speed: 'f32', color: 'u32', n: 'u16', life: 'u16' });

/** Small seeded PRNG (mulberry32): same seed, same fireworks. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks the next burst's parameters into `out`: a plain object, or a cursor on a Launch record. */
export function nextBurst(random, width, height, out) {
  out.n = 300 + Math.floor(random() * 900);
  out.cx = width * (0.15 + 0.7 * random());
  out.cy = height * (0.15 + 0.4 * random());
  out.speed = 1.5 + 3 * random();
  out.life = 70 + Math.floor(random() * 60);
  out.color = hsl(random());
  return out;
}

/** A bright colour of hue `h` (0..1) as an 0xAABBGGRR pixel (canvas pixels are little-endian RGBA). */
function hsl(h) {
  return ((0xff << 24) | (channel(4, h) << 16) | (channel(8, h) << 8) | channel(0, h)) >>> 0;
}

function channel(k, h) {
  const x = (k + h * 12) % 12;
  return Math.round(255 * (0.55 - 0.45 * Math.max(-1, Math.min(x - 3, 9 - x, 1))));
}

/** Halve every pixel's brightness: called once per frame before drawing, it leaves trails. */
export function fade(pixels) {
  for (let i = 0; i < pixels.length; i++) pixels[i] = ((pixels[i] >>> 1) & 0x7f7f7f) | 0xff000000;
}

/** Draw a particle as a 2×2 dot. */
function plot(pixels, width, height, x, y, color) {
  const xi = x | 0;
  const yi = y | 0;
  if (xi >= 0 && xi < width - 1 && yi >= 0 && yi < height - 1) {
    const i = yi * width + xi;
    pixels[i] = pixels[i + 1] = pixels[i + width] = pixels[i + width + 1] = color;
  }
}

class FireworksBase {
  constructor({ width, height, seed = 1, launchEvery = 5 }) {
    this.width = width;
    this.height = height;
    this.random = rng(seed);
    this.launchEvery = launchEvery;
    this.frame = 0;
    this.particles = 0; // live particle count
    this.launched = 0;
    this.skipped = 0; // bursts not launched because memory was full
  }

  /** One frame: maybe launch a burst, move every particle, drop faded ones, plot into `pixels`. */
  step(pixels) {
    if (this.frame % this.launchEvery === 0) {
      nextBurst(this.random, this.width, this.height, this.next);
      if (this.launch(this.next)) this.launched++;
      else this.skipped++;
    }
    this.frame++;
    this.particles = this.update(pixels);
  }

  /** One particle's launch velocity: a random direction, a random share of the burst's speed. */
  velocity(speed, out) {
    const a = this.random() * 2 * Math.PI;
    const s = speed * Math.sqrt(this.random());
    out[0] = Math.cos(a) * s;
    out[1] = Math.sin(a) * s - 1;
  }
}

export class HeapFireworks extends FireworksBase {
  /** @param {import('../../dist/index.js').Heap} heap */
  constructor(heap, options) {
    super(options);
    this.heap = heap;
    // Starts small and doubles on demand (tryAdd), so the page shows a growth or two.
    this.table = heap.soa(Particle, 4096);
    this.version = -1; // of the column views below: re-taken when table.version changes
    this.columns();
    this.launchRecord = heap.alloc(Launch.size, Launch.align);
    this.next = Launch.cursor(heap).at(this.launchRecord);
    this.v = new Float64Array(2);
  }

  /** Takes the column views (again): after the table or the heap memory grew, the old ones are stale. */
  columns() {
    const t = this.table;
    this.version = t.version;
    this.x = t.x;
    this.y = t.y;
    this.vx = t.vx;
    this.vy = t.vy;
    this.life = t.life;
    // The colour column holds 4 bytes per particle; a Uint32Array over the same bytes reads each
    // particle's RGBA as one canvas pixel.
    this.rgba = new Uint32Array(t.color.buffer, t.color.byteOffset, t.capacity);
  }

  /** Adds the burst's particles; false (burst skipped) when the table cannot grow in the fixed-size heap. */
  launch(b) {
    const t = this.table;
    const { n, cx, cy, speed, life, color } = b; // reads through the cursor
    for (let i = 0; i < n; i++) {
      const r = t.tryAdd();
      if (r < 0) {
        while (i-- > 0) t.remove(t.length - 1); // undo the partial burst
        return false;
      }
      if (t.version !== this.version) this.columns(); // add() grew the table: new columns
      this.velocity(speed, this.v);
      this.x[r] = cx;
      this.y[r] = cy;
      this.vx[r] = this.v[0];
      this.vy[r] = this.v[1];
      this.life[r] = life;
      this.rgba[r] = color;
    }
    return true;
  }

  update(pixels) {
    const t = this.table;
    if (t.version !== this.version) this.columns();
    const { x, y, vx, vy, life, rgba } = this;
    const W = this.width, H = this.height;
    let n = t.length;
    for (let i = 0; i < n; ) {
      const left = life[i] - 1;
      if (left <= 0) {
        t.remove(i); // O(1): the last particle moves into row i, which is looked at again
        n--;
        continue;
      }
      life[i] = left;
      const dx = vx[i] * DRAG;
      let dy = vy[i] * DRAG + GRAVITY;
      const px = x[i] + dx;
      let py = y[i] + dy;
      if (py > H - 1) {
        py = H - 1;
        dy *= -0.4;
      }
      x[i] = px;
      y[i] = py;
      vx[i] = dx;
      vy[i] = dy;
      if (pixels) plot(pixels, W, H, px, py, rgba[i]);
      i++;
    }
    return n;
  }

  /** Free everything this simulation allocated. */
  dispose() {
    this.table.dispose();
    this.heap.free(this.launchRecord);
  }
}

export class JsFireworks extends FireworksBase {
  constructor(options) {
    super(options);
    this.list = [];
    this.next = { n: 0, cx: 0, cy: 0, speed: 0, life: 0, color: 0 };
    this.v = new Float64Array(2);
  }

  launch({ n, cx, cy, speed, life, color }) {
    for (let i = 0; i < n; i++) {
      this.velocity(speed, this.v);
      this.list.push({ x: cx, y: cy, vx: this.v[0], vy: this.v[1], life, color });
    }
    return true;
  }

  update(pixels) {
    const W = this.width, H = this.height;
    const list = this.list;
    for (let i = 0; i < list.length; ) {
      const p = list[i];
      if (--p.life <= 0) {
        // faded: drop it (garbage), move the last particle into this slot
        list[i] = list[list.length - 1];
        list.pop();
        continue;
      }
      p.vx *= DRAG;
      p.vy = p.vy * DRAG + GRAVITY;
      p.x += p.vx;
      p.y += p.vy;
      if (p.y > H - 1) {
        p.y = H - 1;
        p.vy *= -0.4;
      }
      if (pixels) plot(pixels, W, H, p.x, p.y, p.color);
      i++;
    }
    return list.length;
  }

  dispose() {
    this.list = [];
  }
}
