// Property tests: random operation sequences against a reference model (test/model.ts), with the
// full heap walk after every operation. `npm run fuzz` runs the same properties for 10 000 000 ops.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Model, opArb, type Op } from './model.js';
import type { HeapOptions } from '../src/index.js';

const FUZZ_OPS = Number(process.env.WASM_ARENA_FUZZ_OPS ?? 0);
const OPS_PER_RUN = 2000;

/** Profile heaps: the tag each op's allocations carry, in turn (check() verifies every tag's tally). */
const TAGS = [null, 'a', 'b', 'a', 'c'];

function runProperty(options: HeapOptions, totalOps: number, seed?: number): number {
  let ops = 0;
  let runs = 0;
  fc.assert(
    fc.property(fc.array(opArb, { minLength: OPS_PER_RUN / 2, maxLength: OPS_PER_RUN }), (list: Op[]) => {
      const model = new Model(options);
      list.forEach((op, i) => {
        if (options.profile) model.heap.tag(TAGS[i % TAGS.length]);
        model.apply(op);
      });
      model.verify(true);
      ops += list.length;
      if (FUZZ_OPS > 0 && ++runs % 250 === 0) console.log(`fuzz: ${ops} ops (${JSON.stringify(options)})`);
    }),
    { numRuns: Math.ceil(totalOps / (OPS_PER_RUN / 2)), seed, verbose: 1, endOnFailure: true },
  );
  return ops;
}

const base = { initialBytes: 64 * 1024, maximumBytes: 48 << 20 };
// The debug build's check() reads every byte of free memory (poison): a small heap keeps it quick.
const small = { initialBytes: 64 * 1024, maximumBytes: 4 << 20 };

describe.skipIf(FUZZ_OPS > 0)('property: random alloc/free/realloc/calloc/arena sequences match the model', () => {
  it('release build, growing heap: 100 000+ ops, heap walk after every op', () => {
    expect(runProperty(base, 100_000)).toBeGreaterThanOrEqual(100_000);
  });
  it('debug build (canaries, poison checked on every reuse): 20 000+ ops', () => {
    expect(runProperty({ ...small, debug: true }, 20_000)).toBeGreaterThanOrEqual(20_000);
  });
  it('shared-memory build: 20 000+ ops', () => {
    expect(runProperty({ ...base, shared: true }, 20_000)).toBeGreaterThanOrEqual(20_000);
  });
  it('profile build (trailers, per-tag tallies checked by check() after every op): 20 000+ ops', () => {
    expect(runProperty({ ...base, profile: true }, 20_000)).toBeGreaterThanOrEqual(20_000);
  });
  it('small fixed-size heap that runs out of memory often: 20 000+ ops', () => {
    expect(runProperty({ initialBytes: 2 << 20, maximumBytes: 2 << 20 }, 20_000)).toBeGreaterThanOrEqual(20_000);
  });
});

describe.runIf(FUZZ_OPS > 0)('fuzz (npm run fuzz)', () => {
  it(`${FUZZ_OPS} ops against the model`, () => {
    const kinds: HeapOptions[] = [base, { ...base, debug: true }, { ...base, shared: true }, { ...base, profile: true }, { initialBytes: 2 << 20, maximumBytes: 2 << 20 }];
    const share = [0.6, 0.1, 0.1, 0.1, 0.1];
    let done = 0;
    kinds.forEach((k, i) => {
      done += runProperty(k, FUZZ_OPS * share[i]);
      console.log(`fuzz: ${done} ops done (${JSON.stringify(k)})`);
    });
    expect(done).toBeGreaterThanOrEqual(FUZZ_OPS);
  }, 24 * 3600_000);
});
