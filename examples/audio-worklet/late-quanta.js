// Late quanta of a running AudioContext: audio that reached the output device too late, so the
// device played silence instead (an underrun: a click). Counted on the page, per A/B mode.
//
// Where the browser has it, AudioContext.playbackStats (Web Audio's AudioPlaybackStats) is the
// truth: underrunDuration (seconds of silence played for want of audio) and underrunEvents. It
// updates about once a second.
//
// Elsewhere, the output clock says it: getOutputTimestamp() pairs the context time being heard
// now with the performance.now() time it is heard at. While audio flows, their difference (the
// lag) is constant; each underrun adds its length to it, because the context clock stops while
// the device plays silence. Late quanta = (lag - smallest lag seen) / one quantum; an event is a
// reading at which that grew. Drift between the device's clock and performance.now() (parts per
// million) shows up too, slowly.

const QUANTUM_FRAMES = 128;

/**
 * @param {AudioContext} ctx  a running context
 * @returns {{ source: string, perMode: Array<{quanta: number, events: number}>, update(mode: number, counting?: boolean): void }}
 */
export function createLateCounter(ctx) {
  const quantum = QUANTUM_FRAMES / ctx.sampleRate;
  const stats = ctx.playbackStats;
  let minLag = Infinity;
  let drifted = 0; // quanta so far, drift method (never decreases)
  let driftEvents = 0; // readings at which it grew

  /** Totals since the context started: { quanta, events }. */
  const total = stats
    ? () => ({ quanta: Math.round(stats.underrunDuration / quantum), events: stats.underrunEvents })
    : () => {
        const t = ctx.getOutputTimestamp();
        if (t.performanceTime > 0 && t.contextTime > 0) {
          const lag = t.performanceTime / 1000 - t.contextTime;
          minLag = Math.min(minLag, lag);
          const quanta = Math.floor((lag - minLag) / quantum);
          if (quanta > drifted) {
            drifted = quanta;
            driftEvents++;
          }
        }
        return { quanta: drifted, events: driftEvents };
      };

  const perMode = [
    { quanta: 0, events: 0 },
    { quanta: 0, events: 0 },
  ];
  let last = total();
  return {
    source: stats ? 'AudioContext.playbackStats' : 'the output clock (getOutputTimestamp)',
    perMode,
    /**
     * Credit what happened since the last call to `mode` (the one active meanwhile), or to
     * nobody while `counting` is false (start-up).
     */
    update(mode, counting = true) {
      const now = total();
      if (counting) {
        perMode[mode].quanta += now.quanta - last.quanta;
        perMode[mode].events += now.events - last.events;
      }
      last = now;
    },
  };
}
