// The host a workload runs in. Workloads and the peer loaders never import node: modules or
// touch the DOM: they reach the host through `env`, which the host sets before it imports any
// workload — bench/worker.mjs with lib/env-node.mjs (a Node child process), bench/browser/page.mjs
// with bench/browser/env.mjs (a Chromium page).
//
// An env has:
//   name                'node' | 'chromium'
//   loadWasmArena(entry?) → the built library's module (dist/index.js), or another entry point
//                       of it ('profile': dist/profile.js; 'shared' registers the shared build)
//   startThread(data)   → { result: Promise, terminate() }: a thread (worker_threads / Worker) that
//                         sets this same env, imports bench/workloads/<data.workload>.mjs and
//                         resolves `result` with what its `thread(data)` returns
//   loadPeer(name)      → a fresh instance's exports of bench/peers/<name>.ts (compiled once)
//   loadThing()         → the @thi.ng/malloc module
//   loadRingbuf()       → the ringbuf.js module
//   gcWatch()           → a GcWatch: startRep(), flush(), inWindows([[t0, t1]…]) → events, stop(), method
//   cpuMs()             → this process's CPU time in ms, or null where the host cannot tell
//   memoryBytes()       → JS heap + array buffer bytes, or null
//   gc(options?)        forced collection (the hosts run with --expose-gc)

/** The current host; set once by setEnv(). */
export let env = null;

export function setEnv(e) {
  env = e;
}
