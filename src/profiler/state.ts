// What a profile heap keeps on the JavaScript side: the names of its tags (the ids live in
// linear memory: trailers, tallies, Cache.tag), the call-site samples, the timeline. Counts are
// never kept here: they are in the heap's tallies, where check() and the wasm side see them.

import * as L from '../layout.js';
import { CallSites } from './sites.js';
import type { Snapshot, TimelineSample } from './types.js';

const clock = (globalThis as { performance?: { now(): number } }).performance;
/** Milliseconds from an arbitrary origin (performance.now() where there is one: not in an AudioWorklet). */
export const now = (): number => (clock ? clock.now() : Date.now());

/** Name of the allocator's own tag (TAG_ALLOCATOR). */
export const ALLOCATOR_TAG = '(allocator)';

export class ProfilerState {
  /** Address of the profile table (struct Profile, then the tallies). */
  readonly table: number;
  /** Tag names by id: TAG_NONE (null), TAG_ALLOCATOR, then the user's in order of first use. */
  readonly names: (string | null)[] = [null, ALLOCATOR_TAG];
  readonly ids = new Map<string, number>();
  readonly sites = new CallSites();
  /** Snapshots this heap made (leaks() accepts only those). */
  readonly snapshots = new WeakSet<Snapshot>();
  /** The timeline, oldest first; at most `capacity` samples. */
  readonly samples: TimelineSample[] = [];
  capacity = 1000;
  /** When the heap was made (timeline times are relative to it). */
  readonly born = now();

  /** Word index of tally 0 (assembly/layout.ts: tallies(t), rounded up to a multiple of TALLY_SIZE). */
  readonly tallies: number;

  constructor(table: number) {
    this.table = table;
    this.tallies = ((table + L.PROFILE_TALLIES + L.TALLY_SIZE - 1) & ~(L.TALLY_SIZE - 1)) >>> 2;
  }

  /** Word index of tag `id`'s tally. */
  tallyWord(id: number): number {
    return this.tallies + id * (L.TALLY_SIZE >>> 2);
  }
}
