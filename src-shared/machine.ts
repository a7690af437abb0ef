import { stateIndex } from './span-store';
import type { RunModel } from './run-model';
import type { RunSummary } from '../src-main/protocol/events';
import { coreShare } from './core-share';

/** A run's shared-core time counts from this share of its running time. */
const SHARED_NOTE = 0.1;

/**
 * What the machine did to this run, in words computed from the measurement: how many cores it has
 * against how many lanes wanted one, and how much of the running time was on a shared core (the
 * hatched bars). Lessons say this beside their text, so the text never claims what this run did not show.
 */
export function machineNotes(model: RunModel, summary: RunSummary): string[] {
  const notes: string[] = [];
  const { cores, peakReady } = summary;
  if (cores === 1) notes.push('This machine has one core: nothing can run in parallel on it, so lanes take turns.');
  else if (peakReady > cores)
    notes.push(
      `This machine has ${cores} cores and ${peakReady} lanes were ready to run at once: at most ${cores} ran at any instant, the others waited for a core.`,
    );
  // Running time on a core of its own, or shared, where the OS measured it (threads and processes; tasks share their loop's).
  const running = stateIndex('running');
  const s = model.spans;
  let shared = 0;
  let total = 0;
  for (const id of model.order) {
    const lane = model.lanes[id];
    if (lane.info.kind === 'task') continue;
    for (let k = 0; k < lane.spans.length; k++) {
      const i = lane.spans.items[k];
      if (s.state[i] !== running || Number.isNaN(s.end[i])) continue;
      // All running time counts below the line; only stretches long enough to tell count as shared.
      total += s.end[i] - s.start[i];
      if (coreShare(s.start[i], s.end[i], s.cpu[i]) === 'shared') shared += s.end[i] - s.start[i];
    }
  }
  if (total > 0 && shared / total >= SHARED_NOTE) {
    const why =
      peakReady > cores
        ? 'more lanes wanted a CPU than this machine has cores'
        : 'other programs on this machine used the cores too (the browser drawing this page counts): on an idle machine this run would be faster';
    const pct = Math.round((100 * shared) / total);
    notes.push(
      `For ${pct}% of their running time (${Math.round(shared / 1000)} ms) the lanes shared a core (hatched bars): ${why}.`,
    );
  }
  return notes;
}
