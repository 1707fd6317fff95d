// Checks compiled into the debug build only (asc --use DEBUG=1): a canary after every held block,
// poison in every free block. And the profile build's per-block trailer (--use PROFILE=1).

import {
  Profile, Tally, HEADER, CANARY, TRAILER, GOLDEN, POISON, POISON32, E_CORRUPT, C_CANARY, KIND_STALE, KIND_CACHE,
  KIND_PROFILE, PROFILE_TALLIES, PROFILE_SIZE, TALLY_SIZE, TAG_COUNT, TAG_NONE, TAG_ALLOCATOR,
} from "./layout";
import { secret, fault, cacheAt, current, isKind, inHeap, sizeOf, root } from "./block";
import { allocBlock, blockSizeFor } from "./heap";

/** The canary word of block b: tied to its address, so a block copied elsewhere does not pass. */
// @ts-ignore: decorator
@inline function canaryWord(b: u32): u32 { return (b * GOLDEN) ^ secret() ^ 0x5AFEC0DE; }

/** Writes the canary into the last CANARY bytes of the held block b of `size` bytes. */
export function writeCanary(b: u32, size: u32): void {
  const w = canaryWord(b);
  store<u32>(b + size - CANARY, w);
  store<u32>(b + size - CANARY + 4, ~w);
}

/** True when the canary of block b is intact; else records E_CORRUPT (C_CANARY) with the offset. */
export function canaryIntact(b: u32, size: u32): bool {
  const w = canaryWord(b);
  const at = b + size - CANARY;
  if (load<u32>(at) == w && load<u32>(at + 4) == ~w) return true;
  fault(E_CORRUPT, b + HEADER, C_CANARY | ((at - b - HEADER) << 8));
  return false;
}

/** Fills [from, to) with the poison byte. */
export function poison(from: u32, to: u32): void {
  if (to > from) memory.fill(from, <u8>POISON, to - from);
}

/**
 * The first address of the free block b (`size` bytes) whose poison was overwritten, or 0. The
 * headers of blocks merged into it (STALE) are not poison, and are skipped.
 */
export function poisonIntact(b: u32, size: u32): u32 {
  const to = b + size - 4;
  for (let p = b + 16; p < to; p += 4) {
    if (load<u32>(p) != POISON32) {
      if (!(p & 7) && p + HEADER <= to && isKind(p, KIND_STALE)) p += 4;
      else return p;
    }
  }
  return 0;
}

// ── Profile build (--use PROFILE=1): trailers and per-tag tallies (layout.ts, "Profile") ────────

/**
 * The profile table of this instance (0 until init or attach found it). Like the secret, a copy
 * per instance: a stray write into Root.profile cannot make the counters land elsewhere.
 */
let gProfile: u32 = 0;

// @ts-ignore: decorator
@inline function profileAt(t: u32): Profile { return changetype<Profile>(t); }
/** The tally of tag id `tag`, masked into the table: a damaged id cannot reach outside it. */
// @ts-ignore: decorator
@inline function tallyOf(t: u32, tag: u32): Tally {
  const tallies = (t + PROFILE_TALLIES + TALLY_SIZE - 1) & ~(TALLY_SIZE - 1);
  return changetype<Tally>(tallies + (tag & (TAG_COUNT - 1)) * TALLY_SIZE);
}

/** Counts an allocation of a block of `size` bytes under `tag`. */
function tallyAlloc(t: u32, tag: u32, size: u32): void {
  const a = tallyOf(t, tag);
  const bytes = a.liveBytes + size;
  a.liveBytes = bytes;
  if (bytes > a.peakLiveBytes) a.peakLiveBytes = bytes;
  const n = a.allocs + 1;
  a.allocs = n;
  if (!n) a.allocsHigh += 1;
}

/**
 * The held block b of `size` bytes and `kind` was just made: its trailer gets the tag of the
 * calling Heap object (TAG_ALLOCATOR for the allocator's own blocks) and the next serial, and
 * the tag's tally counts it.
 */
export function writeTrailer(b: u32, size: u32, kind: u32): void {
  let tag = TAG_ALLOCATOR;
  if (kind != KIND_CACHE && kind != KIND_PROFILE) {
    const c = current();
    tag = c ? cacheAt(c).tag & (TAG_COUNT - 1) : TAG_NONE;
  }
  const t = gProfile;
  const at = b + size - TRAILER;
  store<u32>(at, tag);
  if (!t) {
    store<u32>(at + 4, 0); // the profile table itself, before it exists
    return;
  }
  const p = profileAt(t);
  const serial = p.serial;
  p.serial = serial + 1;
  store<u32>(at + 4, serial);
  tallyAlloc(t, tag, size);
}

/** The held block b of `size` bytes is being freed (or resized): its tag's tally lets it go. */
export function dropTrailer(b: u32, size: u32): void {
  const t = gProfile;
  if (!t) return;
  const a = tallyOf(t, load<u32>(b + size - TRAILER));
  a.liveBytes -= size;
  const n = a.frees + 1;
  a.frees = n;
  if (!n) a.freesHigh += 1;
}

/**
 * Makes the profile table (init, before anything else is allocated); false when out of memory.
 * Its own block is counted under TAG_ALLOCATOR, with serial 0.
 */
export function openProfile(): bool {
  const t = allocBlock(blockSizeFor(PROFILE_SIZE), KIND_PROFILE);
  if (!t) return false;
  memory.fill(t, 0, PROFILE_SIZE);
  profileAt(t).serial = 1;
  tallyAlloc(t, TAG_ALLOCATOR, sizeOf(t - HEADER));
  gProfile = t;
  root().profile = t;
  return true;
}

/** attach(): takes the table Root.profile names, if it is a profile block. */
export function findProfile(): void {
  const t = root().profile;
  gProfile = inHeap(t - HEADER) && isKind(t - HEADER, KIND_PROFILE) ? t : 0;
}
