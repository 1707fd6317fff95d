// Call-site sampling: about one allocation per `mean` bytes allocated records its call stack
// (`new Error().stack`), as mimalloc's and jemalloc's heap profilers do. The distance between
// two samples, in bytes, is drawn from an exponential distribution of that mean, so every byte
// has the same chance of being sampled whatever the pattern of sizes (a Poisson process over
// the bytes allocated), and a sample of `size` bytes stands for size ÷ (1 − e^(−size/mean))
// bytes of allocation (jemalloc's unbiasing).
//
// Samples are kept by address. Frees do not look them up (that would cost the free fast path a
// Map lookup): a sample is current while the block at its address is live and still carries
// the sample's serial number in its trailer; stale ones are dropped when the map has doubled.

/** One sampled allocation. */
export interface Sampled {
  serial: number;
  /** Bytes of the block (whole block, like every figure of the profiler). */
  bytes: number;
  tag: number;
  /** The allocated bytes this sample stands for (see weight()). */
  weight: number;
  /** `new Error().stack` at the allocation, unparsed. */
  stack: string;
}

/** Frames to keep per sample. */
const FRAMES = 8;

/**
 * The library's directory: frames from files there are its own. The directory of this module's
 * file: dist/ once built (every chunk is there), src/profiler/ through source maps (then src/).
 */
const OWN_DIR = (() => {
  const file = fileOf(String(new Error().stack).split('\n').find((l) => fileOf(l) !== '') ?? '');
  const dir = file.slice(0, file.lastIndexOf('/') + 1);
  return dir.endsWith('/profiler/') ? dir.slice(0, -'profiler/'.length) : dir;
})();

/**
 * Frames of the library's classes (V8 names them `Class.method`; bundlers may prefix a class
 * name with `_`), for apps bundled into one file with the library.
 */
const OWN_FRAME = /(?:^|[\s@])(?:at )?(?:new )?_*(?:ProfiledHeap|Heap|Arena|Pool|Soa\w*|Ring|FrameStack)(?:\.[\w$]+|\s|$)/;

/** The file (URL or path) a stack line names, without line and column; '' when none. */
export function fileOf(line: string): string {
  const m = /((?:[a-z][\w+.-]*:\/\/|\/)[^\s()]*?)(?::\d+){1,2}\)?\s*$/i.exec(line);
  return m ? m[1] : '';
}

/**
 * The frames of a stack outside the library, innermost first (at most FRAMES): the leading
 * frames that are the library's own are dropped; when nothing is left (an app bundled into one
 * file with the library, minified), the whole stack is kept.
 */
export function userFrames(stack: string): string[] {
  const lines = stack.split('\n').map((l) => l.trim()).filter((l) => l !== '' && l !== 'Error' && !l.startsWith('Error:'));
  let i = 0;
  while (i < lines.length && ((OWN_DIR !== '' && fileOf(lines[i]).startsWith(OWN_DIR)) || OWN_FRAME.test(lines[i]))) i++;
  const rest = i < lines.length ? lines.slice(i) : lines;
  return rest.slice(0, FRAMES).map((l) => l.replace(/^at /, ''));
}

/** The sampler of one profile heap. */
export class CallSites {
  /** Mean bytes between samples; 0 = off. */
  mean = 0;
  readonly samples = new Map<number, Sampled>();
  /** Size of the map at which stale samples are dropped next. */
  private pruneAt = 1024;

  /** Bytes to the next sample: exponentially distributed with the mean (Infinity when off). */
  next(): number {
    return this.mean > 0 ? -Math.log(1 - Math.random()) * this.mean : Infinity;
  }

  /** The weight of a sample of `bytes` requested: the requested bytes it stands for. */
  weight(bytes: number): number {
    const b = Math.max(bytes, 1);
    return b / (1 - Math.exp(-b / (this.mean || 1)));
  }

  /** Records a sample at user pointer `p`; `current` tells whether a kept sample is still live. */
  record(p: number, sample: Sampled, current: (p: number, s: Sampled) => boolean): void {
    this.samples.set(p, sample);
    if (this.samples.size >= this.pruneAt) {
      for (const [q, s] of this.samples) if (!current(q, s)) this.samples.delete(q);
      this.pruneAt = Math.max(1024, 2 * this.samples.size);
    }
  }
}
