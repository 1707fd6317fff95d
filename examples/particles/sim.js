// Fireworks particle simulation, written twice with the same behaviour:
//
//  HeapFireworks — particle state lives in a wasm-arena heap. Each burst is ONE heap block laid
//                  out as a struct of arrays:  [ x[0..n) | y[0..n) | vx[0..n) | vy[0..n) ]
//                  read and written through the heap's whole-memory Float32Array (heap.f32),
//                  so a frame creates no JS objects at all. Bursts are freed when they fade.
//  JsFireworks   — the everyday way: a burst is an array of {x, y, vx, vy} objects, left to
//                  the garbage collector when it fades.
//
// Both draw into a shared 32-bit pixel buffer and take their randomness from the same seeded
// generator, so for a given seed they show the same picture.
// Both are free of DOM and timing code: the page and the tests drive them.

export const FIELDS = 4; // x, y, vx, vy
const GRAVITY = 0.045;
const DRAG = 0.985;
const MAX_BURSTS = 64;

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

/** Pick the next burst's parameters into `out` (reused: no garbage). */
function nextBurst(random, width, height, out) {
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
  return (0xff << 24) | (channel(4, h) << 16) | (channel(8, h) << 8) | channel(0, h);
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
    this.next = { n: 0, cx: 0, cy: 0, speed: 0, life: 0, color: 0 };
  }

  /** One frame: maybe launch a burst, move every particle, drop faded bursts, plot into `pixels`. */
  step(pixels) {
    if (this.frame % this.launchEvery === 0) {
      const b = nextBurst(this.random, this.width, this.height, this.next);
      if (this.launch(b)) this.launched++;
      else this.skipped++;
    }
    this.frame++;
    this.particles = this.update(pixels);
  }
}

export class HeapFireworks extends FireworksBase {
  /** @param {import('wasm-arena').Heap} heap */
  constructor(heap, options) {
    super(options);
    this.heap = heap;
    // The burst table is heap memory too: ptr, n, age, life, color per burst (Int32 each).
    this.table = heap.allocArray(Int32Array, MAX_BURSTS * 5);
    this.count = 0;
  }

  get bursts() {
    return this.count;
  }

  launch({ n, cx, cy, speed, life, color }) {
    if (this.count === MAX_BURSTS) return false;
    // tryAlloc: a full heap skips a burst instead of throwing (what real-time code wants).
    const ptr = this.heap.tryAlloc(n * FIELDS * 4);
    if (ptr === 0) return false;
    const f32 = this.heap.f32;
    const x = ptr >>> 2, y = x + n, vx = y + n, vy = vx + n;
    for (let i = 0; i < n; i++) {
      const a = this.random() * 2 * Math.PI;
      const s = speed * Math.sqrt(this.random());
      f32[x + i] = cx;
      f32[y + i] = cy;
      f32[vx + i] = Math.cos(a) * s;
      f32[vy + i] = Math.sin(a) * s - 1;
    }
    const t = this.table, k = this.count++ * 5;
    t[k] = ptr;
    t[k + 1] = n;
    t[k + 2] = 0;
    t[k + 3] = life;
    t[k + 4] = color;
    return true;
  }

  update(pixels) {
    const f32 = this.heap.f32; // re-read each frame: stays current if the heap grows
    const t = this.table, W = this.width, H = this.height;
    let live = 0;
    for (let b = 0; b < this.count; b++) {
      const k = b * 5;
      const n = t[k + 1];
      const age = ++t[k + 2];
      if (age > t[k + 3]) {
        // faded: free its block, move the last burst into this slot
        this.heap.free(t[k] >>> 0);
        const last = --this.count * 5;
        for (let j = 0; j < 5; j++) t[k + j] = t[last + j];
        b--;
        continue;
      }
      const color = t[k + 4];
      const x = t[k] >>> 2, y = x + n, vx = y + n, vy = vx + n;
      for (let i = 0; i < n; i++) {
        // one load and one store per field
        const dx = f32[vx + i] * DRAG;
        let dy = f32[vy + i] * DRAG + GRAVITY;
        const px = f32[x + i] + dx;
        let py = f32[y + i] + dy;
        if (py > H - 1) {
          py = H - 1;
          dy *= -0.4;
        }
        f32[x + i] = px;
        f32[y + i] = py;
        f32[vx + i] = dx;
        f32[vy + i] = dy;
        if (pixels) plot(pixels, W, H, px, py, color);
      }
      live += n;
    }
    return live;
  }

  /** Free everything this simulation allocated. */
  dispose() {
    for (let b = 0; b < this.count; b++) this.heap.free(this.table[b * 5] >>> 0);
    this.count = 0;
    this.heap.free(this.table);
  }
}

export class JsFireworks extends FireworksBase {
  constructor(options) {
    super(options);
    this.list = [];
  }

  get bursts() {
    return this.list.length;
  }

  launch({ n, cx, cy, speed, life, color }) {
    if (this.list.length === MAX_BURSTS) return false;
    const particles = [];
    for (let i = 0; i < n; i++) {
      const a = this.random() * 2 * Math.PI;
      const s = speed * Math.sqrt(this.random());
      particles.push({ x: cx, y: cy, vx: Math.cos(a) * s, vy: Math.sin(a) * s - 1 });
    }
    this.list.push({ particles, age: 0, life, color });
    return true;
  }

  update(pixels) {
    const W = this.width, H = this.height;
    let live = 0;
    for (let b = 0; b < this.list.length; b++) {
      const burst = this.list[b];
      if (++burst.age > burst.life) {
        // faded: drop it (garbage), move the last burst into this slot
        this.list[b] = this.list[this.list.length - 1];
        this.list.pop();
        b--;
        continue;
      }
      for (const p of burst.particles) {
        p.vx *= DRAG;
        p.vy = p.vy * DRAG + GRAVITY;
        p.x += p.vx;
        p.y += p.vy;
        if (p.y > H - 1) {
          p.y = H - 1;
          p.vy *= -0.4;
        }
        if (pixels) plot(pixels, W, H, p.x, p.y, burst.color);
      }
      live += burst.particles.length;
    }
    return live;
  }

  dispose() {
    this.list = [];
  }
}
