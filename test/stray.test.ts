// The stray-write fuzzer (test/stray.ts) in every build: random single-word writes into the
// allocator's metadata between random operations on stamped blocks. Each build runs in a worker
// thread under a watchdog (test/stray-runner.ts). `npm run fuzz` runs it for FUZZ_OPS operations
// with a random seed; here the seeds are fixed, and WASM_ARENA_STRAY_SEED replays another.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker, runInWorker } from './stray-runner.js';
import type { Build, StraySummary } from './stray.js';

const FUZZ_OPS = Number(process.env.WASM_ARENA_FUZZ_OPS ?? 0);
const SEED = process.env.WASM_ARENA_STRAY_SEED;

let worker: { file: string; remove(): void };
beforeAll(async () => {
  worker = await bundleWorker();
});
afterAll(() => worker?.remove());

const total = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

async function fuzz(build: Build, ops: number, seed: number): Promise<StraySummary> {
  const s = await runInWorker(worker.file, { build, ops, seed: SEED !== undefined ? Number(SEED) : seed });
  // The run did what it claims: every operation ran, writes landed, and damage was reported.
  expect(s.ops).toBe(ops);
  expect(total(s.writes)).toBeGreaterThan(ops / 50);
  expect(s.corruption + s.checksFailed).toBeGreaterThan(0);
  return s;
}

describe.skipIf(FUZZ_OPS > 0)('stray writes into allocator metadata: every operation succeeds or throws a typed HeapError; never a RuntimeError, a hang, memory outside the heap or a block handed out twice', () => {
  it('release build: 60 000 operations', async () => {
    await fuzz('release', 60_000, 1);
  });
  it('debug build: 50 000 operations', async () => {
    await fuzz('debug', 50_000, 2);
  });
  it('shared build (with other Heap objects attaching): 20 000 operations', async () => {
    await fuzz('shared', 20_000, 3);
  });
  it('profile build: 12 000 operations', async () => {
    await fuzz('profile', 12_000, 4);
  });
});

describe.skipIf(FUZZ_OPS > 0 || SEED !== undefined)('stray-write fuzz seeds', () => {
  it('a seed replays exactly: two runs of one seed give the same summary (each heap\'s secret follows the seed)', async () => {
    const first = await fuzz('release', 6_000, 5);
    const again = await fuzz('release', 6_000, 5);
    expect(again).toEqual(first);
  });
});

describe.runIf(FUZZ_OPS > 0)('stray-write fuzz (npm run fuzz)', () => {
  it.each(['release', 'debug', 'shared', 'profile'] as const)(`%s build: ${FUZZ_OPS} operations (shared, profile: a tenth)`, async (build) => {
    const ops = build === 'release' || build === 'debug' ? FUZZ_OPS : Math.ceil(FUZZ_OPS / 10);
    const seed = SEED !== undefined ? Number(SEED) : (Math.random() * 0x1_0000_0000) >>> 0;
    const t = Date.now();
    const s = await fuzz(build, ops, seed);
    console.log(`stray fuzz: ${build} build, seed ${seed}: ${s.ops} ops on ${s.heaps} heaps in ${((Date.now() - t) / 1000).toFixed(1)} s; ` +
      `${total(s.writes)} stray writes (${total(s.quiet)} quiet), ${s.corruption} HeapCorruptionError + ${s.invalidPointer} InvalidPointerError ` +
      `from operations, ${s.checksFailed} of ${s.checks} check() calls failed, ${s.outOfMemory} OutOfMemoryError`);
  }, 24 * 3600_000);
});
