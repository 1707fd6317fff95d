// @ts-nocheck: AssemblyScript (asc checks it; tsc does not know its types and decorators)
// A wasm kernel over a wasm-arena heap's own memory (imported, not copied): it steps particles
// stored by JavaScript, once as SoA columns (`heap.soa(Particle, n)`: one address per column) and
// once as records (`Particle.cursor(heap)`: one address per record, field offsets from
// `Particle.offsets`). test/struct.kernel.test.ts compiles it with this folder's asconfig.json
// and compares the memory bit for bit with the same step done in JavaScript.
//
// Particle = struct({ x: 'f32', y: 'f32', vx: 'f32', vy: 'f32', age: 'u16', alive: 'u8', color: ['u8', 4] })

/** The same record as an AssemblyScript class: its offsets must equal Particle.offsets. */
@unmanaged class Particle {
  x: f32;
  y: f32;
  vx: f32;
  vy: f32;
  age: u16;
  alive: u8;
  color0: u8;
  color1: u8;
  color2: u8;
  color3: u8;
}

/** Offsets of the class's fields, in schema order (color: its first element). */
export function offsets(out: usize): void {
  store<u32>(out, offsetof<Particle>('x'));
  store<u32>(out, offsetof<Particle>('y'), 4);
  store<u32>(out, offsetof<Particle>('vx'), 8);
  store<u32>(out, offsetof<Particle>('vy'), 12);
  store<u32>(out, offsetof<Particle>('age'), 16);
  store<u32>(out, offsetof<Particle>('alive'), 20);
  store<u32>(out, offsetof<Particle>('color0'), 24);
}

/**
 * One particle's step, given the addresses of its fields: gravity, motion, a bounce at
 * y = floor, age + 1, and the alpha byte of its colour fades by 1/8 (integer arithmetic).
 */
@inline function step(x: usize, y: usize, vx: usize, vy: usize, age: usize, alpha: usize, dt: f32, g: f32, floor: f32): void {
  let v = load<f32>(vy) + g * dt;
  let py = load<f32>(y) + v * dt;
  if (py > floor) {
    py = floor;
    v = -v * <f32>0.5;
  }
  store<f32>(vy, v);
  store<f32>(y, py);
  store<f32>(x, load<f32>(x) + load<f32>(vx) * dt);
  store<u16>(age, load<u16>(age) + 1);
  const a = <u32>load<u8>(alpha);
  store<u8>(alpha, <u8>(a - (a >> 3)));
}

/** Steps n particles stored as SoA columns (one address per column). */
export function stepColumns(x: usize, y: usize, vx: usize, vy: usize, age: usize, color: usize, n: u32, dt: f32, g: f32, floor: f32): void {
  for (let i: usize = 0; i < <usize>n; i++) {
    const f = i << 2;
    step(x + f, y + f, vx + f, vy + f, age + (i << 1), color + (i << 2) + 3, dt, g, floor);
  }
}

/** Steps n records of `size` bytes from `base`, fields at the given offsets. */
export function stepRecords(base: usize, size: usize, n: u32, ox: usize, oy: usize, ovx: usize, ovy: usize, oage: usize, ocolor: usize, dt: f32, g: f32, floor: f32): void {
  for (let i: usize = 0; i < <usize>n; i++) {
    const p = base + i * size;
    step(p + ox, p + oy, p + ovx, p + ovy, p + oage, p + ocolor + 3, dt, g, floor);
  }
}
