#!/usr/bin/env node
// What the heap's self-checks cost: alloc+free pairs with and without them, side by side in one
// process (repetitions alternate, so load swings on a shared machine hit both alike).
//
//   node bench/checks-ab.mjs            (after `npm run build`)
//   node bench/checks-ab.mjs --reps 80      (default 40 repetitions of ~60 ms each)
//
// "With" is the shipped release build. "Without" is the same library and the same module source
// with the metadata checks taken out:
//   - JavaScript: the cache pop (`_pop`, the alloc fast path) trusts the bin's first entry: no
//     size or check-word comparison (it still flips the block's kind from CACHED to USER);
//   - wasm: listed(), headOK() and canSplit() return true, and canRelease() merges by the FREE
//     and LEFTFREE bits alone, without checking the neighbours or their lists.
// Pointer validation (a free of something that is not a live block) stays in both: it is the
// API's InvalidPointerError, not a defence of the metadata.
//
// Both modules are compiled here from a copy of assembly/ (the unchecked one with the edits
// above, which fail loudly if the source they apply to has changed), with the project's release
// options. Each variant runs in its own instance of the library (its own classes, its own JIT
// feedback) and its own copy of the loop. Workloads, 1 000 live blocks, random free order:
//   small: 16–512 B (the JavaScript cache path)
//   large: 1–4 KiB (one wasm call each way; the live set fits in the CPU caches) and 1–64 KiB
//   (the live set does not: the checks' reads of list neighbours miss the caches)

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rootDir } from './lib/paths.mjs';
import { setEnv } from './lib/env.mjs';
import { nodeEnv } from './lib/env-node.mjs';
import { Rng, SEQ_LEN, sizeSequence, slotSequence } from './lib/prng.mjs';
import { warm, calibrate, alternate } from './lib/timing.mjs';
import { churnRunner, freshChurnLoop } from './workloads/churn.mjs';
import { summarize } from './lib/stats.mjs';

setEnv(nodeEnv);
const args = process.argv.slice(2);
const repsArg = args.indexOf('--reps');
const REPS = repsArg >= 0 ? Number(args[repsArg + 1]) : 40;
const LIVE = 1000;

// ── The two modules ──────────────────────────────────────────────────────────────────────────

/** Inserts `text` at the start of the body of the function whose signature is `signature`. */
function prepend(source, signature, text, file) {
  const at = source.indexOf(signature);
  if (at < 0) throw new Error(`checks-ab: ${file} no longer has \`${signature}\`: update bench/checks-ab.mjs`);
  const body = at + signature.length;
  return source.slice(0, body) + `\n  ${text} // checks-ab: unchecked\n` + source.slice(body);
}

const EDITS = {
  'freelist.ts': [
    ['export function listed(b: u32, cls: u32): bool {', 'return true;'],
    ['export function headOK(cls: u32, going1: u32, going2: u32): bool {', 'return true;'],
  ],
  'heap.ts': [
    ['export function canSplit(b: u32, bsize: u32, used: u32): bool {', 'return true;'],
    ['export function canRelease(b: u32, size: u32, info: u32): bool {',
      'mergeLeft = info & LEFTFREE ? load<u32>(b - 4) : 0; mergeRight = blockAt(b + size).info & FREE ? b + size : 0; return true;'],
  ],
};

async function compile(dir, edited) {
  cpSync(resolve(rootDir, 'assembly'), join(dir, 'assembly'), { recursive: true });
  if (edited) {
    for (const [file, edits] of Object.entries(EDITS)) {
      const path = join(dir, 'assembly', file);
      let source = readFileSync(path, 'utf8');
      for (const [signature, text] of edits) source = prepend(source, signature, text, `assembly/${file}`);
      writeFileSync(path, source);
    }
  }
  // The project's release target and options, pointed at the copy.
  const config = JSON.parse(readFileSync(resolve(rootDir, 'asconfig.json'), 'utf8'));
  config.entries = ['assembly/index.ts'];
  config.targets = { release: { ...config.targets.release, outFile: 'out.wasm', textFile: undefined } };
  writeFileSync(join(dir, 'asconfig.json'), JSON.stringify(config));
  const asc = await import('assemblyscript/asc');
  const stderr = asc.createMemoryStream();
  const { error } = await asc.main(['--baseDir', dir, '--config', 'asconfig.json', '--target', 'release'], { stdout: asc.createMemoryStream(), stderr });
  if (error) throw new Error(`checks-ab: asc failed: ${error.message}\n${stderr.toString()}`);
  return new WebAssembly.Module(readFileSync(join(dir, 'out.wasm')));
}

// ── The two libraries ────────────────────────────────────────────────────────────────────────

/** Loads the built library again under another URL: a separate instance, its own classes. */
const loadLibrary = (tag) => import(`${pathToFileURL(resolve(rootDir, 'dist/index.js')).href}?${tag}`);

/**
 * The cache pop without its checks: src/heap.ts `_pop` minus its size and check-word comparisons
 * (a deliberate copy: it is the variant being measured). Takes the bin's first entry on trust,
 * still flipping its check word from CACHED to USER (KIND_CACHED · KIND_SALT, XORed out).
 */
function uncheckedPop(cls) {
  const v = this._v;
  const m = v.u32;
  const bw = this._bins + (cls << 2);
  const b = m[bw];
  if (b > 0) {
    const i = b >>> 2;
    m[bw] = m[i + 2];
    m[bw + 1]--;
    v.i32[i + 1] ^= SALT_CACHED;
    return b + 8;
  }
  return 0;
}
let SALT_CACHED = 0;

// ── Workloads ────────────────────────────────────────────────────────────────────────────────

/** The churn workload's runner (bench/workloads/churn.mjs) with its own copy of the loop, and its heap. */
async function runner(heap, sizes, idx) {
  return Object.assign(await churnRunner(heap, LIVE, sizes, idx, freshChurnLoop()), { heap });
}

/** Uniform sizes in [lo, hi]. */
function uniformSizes(lo, hi) {
  const rng = new Rng(3);
  const out = new Uint32Array(SEQ_LEN);
  for (let i = 0; i < SEQ_LEN; i++) out[i] = rng.int(lo, hi);
  return out;
}

// ── Main ─────────────────────────────────────────────────────────────────────────────────────

const work = mkdtempSync(join(tmpdir(), 'wasm-arena-checks-ab-'));
try {
  const [checkedModule, uncheckedModule] = [await compile(join(work, 'a'), false), await compile(join(work, 'b'), true)];
  const A = await loadLibrary('checked');
  const B = await loadLibrary('unchecked');
  SALT_CACHED = Math.imul(3, 0x11111111); // KIND_CACHED · KIND_SALT (assembly/layout.ts)
  B.Heap.prototype._pop = uncheckedPop;
  const ctx = { reps: REPS, progress: () => {} };
  const idx = slotSequence(LIVE);
  const rows = [];
  const WORKLOADS = [
    ['small 16–512 B (JS cache path)', sizeSequence('small'), 8 << 20],
    ['large 1–4 KiB (wasm, 2.5 MB live)', uniformSizes(1025, 4096), 16 << 20],
    ['large 1–64 KiB (wasm, 33 MB live)', uniformSizes(1025, 65536), 128 << 20],
  ];
  for (const [name, sizes, bytes] of WORKLOADS) {
    const with_ = await runner(A.Heap.fromModule(checkedModule, { initialBytes: bytes, maximumBytes: 4 * bytes }), sizes, idx);
    const without = await runner(B.Heap.fromModule(uncheckedModule, { initialBytes: bytes, maximumBytes: 4 * bytes }), sizes, idx);
    for (const r of [with_, without]) warm(r, 1500, 400_000);
    const n = calibrate(with_, 60);
    const [ra, rb] = alternate([with_, without], n, ctx);
    const a = summarize(ra.map((r) => r.ns), 'ns');
    const b = summarize(rb.map((r) => r.ns), 'ns');
    const ratio = summarize(ra.map((r, i) => r.ns / rb[i].ns), '×');
    rows.push([name, a.median, b.median, ratio]);
    // Both heaps did real work on sound metadata: the full walk must pass.
    for (const r of [with_, without]) r.heap.check();
  }
  console.log(`checks A/B, Node ${process.versions.node}, ${REPS} alternating repetitions, ${LIVE} live blocks, ns per alloc+free pair (median)`);
  for (const [name, a, b, r] of rows) {
    const pct = (x) => `${x >= 1 ? '+' : ''}${((x - 1) * 100).toFixed(1)} %`;
    console.log(`  ${name.padEnd(36)} with checks ${a.toFixed(1).padStart(6)}  without ${b.toFixed(1).padStart(6)}  cost ${pct(r.median)} (reps ${pct(r.min)} … ${pct(r.max)})`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
