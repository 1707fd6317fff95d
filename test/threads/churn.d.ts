// Types of churn.js for the TypeScript tests (the module itself is plain JS: it also runs in
// Workers and an AudioWorklet that load it unbundled).
import type { Heap } from '../../src/index.js';

export interface ControlLayout { threads: number; cap: number; doneAt: number; startAt: number; ringsAt: number; words: number }
export function controlLayout(threads: number, cap: number): ControlLayout;
export function ringWords(cap: number): number;
export function stamp(u32: Uint32Array, p: number, size: number, id: number, seq: number): void;
export function verify(u32: Uint32Array, p: number, size: number, limit?: number): number;
export interface ChurnCounters {
  id: number; ops: number; allocs: number; frees: number; crossFrees: number; reallocs: number; crossReallocs: number;
  measured: number; received: number; sent: number; busy: number; overwritten: number; firstError: string;
}
export interface ChurnOptions { seed?: number; maxLive?: number; send?: number; realtime?: boolean }
export class Churner {
  constructor(heap: Heap, ctl: Int32Array, layout: ControlLayout, id: number, options?: ChurnOptions);
  readonly out: ChurnCounters;
  step(n: number): void;
  done(): void;
  drain(): boolean;
}
export function churn(heap: Heap, ctl: Int32Array, layout: ControlLayout, id: number, ops: number, options?: ChurnOptions): ChurnCounters;
export function latency(heap: Heap, samples: Float64Array, now: () => number, seed?: number, warm?: number): number;
export function poolChurn(heap: Heap, ctl: Int32Array, layout: ControlLayout, id: number, ops: number, PoolClass: unknown, poolAt: number, seed?: number): Record<string, number | string | boolean>;
