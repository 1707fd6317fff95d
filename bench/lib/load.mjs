// Watches the machine's load while the bench runs. The bench itself keeps about one core busy
// (the job; a Chromium job a little more), so what else runs is the 1-minute load average minus
// one (at the start, before the bench builds anything: all of it). Busy means other processes
// took three quarters of the cores or more (on 2 cores: a core and a half), so a job could not
// count on a core of its own. A busy machine does not stop the run: it is said on stderr as soon
// as it is seen, and in the summary, the JSON and the report.

import os from 'node:os';

export class LoadWatch {
  constructor(cores = os.cpus().length) {
    this.cores = cores;
    this.start = os.loadavg()[0];
    this.max = this.start;
    this.samples = [];
    this.warned = false;
  }
  busyAt() {
    return this.cores * 0.75;
  }
  /** What other processes used at the start: the run had not begun, so all of the load. */
  startWarning() {
    if (this.start < this.busyAt()) return null;
    this.warned = true;
    return `load average ${this.start.toFixed(2)} on ${this.cores} cores before the run started`;
  }
  /** Samples the load during the run; returns a warning the first time the machine is busy. */
  sample(elapsedS) {
    const l = os.loadavg()[0];
    this.samples.push([Math.round(elapsedS), Math.round(l * 100) / 100]);
    if (l > this.max) this.max = l;
    if (!this.warned && l - 1 >= this.busyAt()) {
      this.warned = true;
      return `load average ${l.toFixed(2)} on ${this.cores} cores during the run (this run accounts for about 1)`;
    }
    return null;
  }
  summary() {
    const busy = this.start >= this.busyAt() || this.max - 1 >= this.busyAt();
    const r = (v) => Math.round(v * 100) / 100;
    return {
      start: r(this.start),
      max: r(this.max),
      end: r(os.loadavg()[0]),
      samples: this.samples,
      busy: busy ? `other processes used about ${r(Math.max(this.start, this.max - 1))} of ${this.cores} cores` : null,
    };
  }
}
