// The whole audio thread of the example: pop one quantum of both channels from the ring into the
// output, and fill what the ring did not have with silence. popPlanar is wait-free and makes no
// garbage; an underrun (the Worker fell behind) is counted in the ring's header, where the page
// reads it. The library is imported statically (worklets reject dynamic import()) and
// instantiated synchronously from the module the page compiled.

import { Heap, Ring } from '../../dist/index.js';

class RingPlayer extends AudioWorkletProcessor {
  constructor({ processorOptions: { module, memory, address } }) {
    super();
    // realtime: this thread never waits for the heap's lock (it never allocates here anyway).
    const heap = Heap.fromModule(module, { memory, realtime: true });
    this.ring = Ring.attach(heap, address, Float32Array);
    this.port.postMessage('ready');
  }

  process(inputs, [out]) {
    const got = this.ring.popPlanar(out);
    if (got < out[0].length) for (let c = 0; c < out.length; c++) out[c].fill(0, got);
    return true;
  }
}

registerProcessor('ring-player', RingPlayer);
