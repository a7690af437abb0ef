import { SPAN_STATES, type EngineEvent } from '../protocol/events';
import type { LaneId } from '../protocol/ids';
import { RunModel } from '../../src-shared/run-model';
import { FLAG_MAY_WAIT_FOR_GIL } from '../../src-shared/span-store';

/**
 * A run's events, folded into its model as they come and kept, in order, for what asks for them all
 * (a client that joins late, `--events`, the tests). Kept compactly: a `state` event that closed an
 * open span and opened one is kept as the new span's index (the columns hold its lane, time, state,
 * detail and flag, and the span before it the CPU it closed); every other event as itself. A state
 * event object is about 125 bytes; an index, 8.
 */
export class EventLog {
  private readonly log: (EngineEvent | number)[] = [];
  /** The events folded into lanes and span columns (null until run-started). */
  model: RunModel | null = null;

  /** Folds an event into the model and keeps it. */
  push(event: EngineEvent): void {
    const model = this.model;
    if (event.type === 'run-started') {
      this.model = new RunModel(event);
      this.log.push(event);
    } else if (event.type === 'state' && model && (model.lanes[event.laneId]?.open ?? -1) >= 0) {
      const opened = model.spans.count;
      model.apply(event);
      this.log.push(model.spans.count === opened + 1 ? opened : event);
    } else {
      model?.apply(event);
      this.log.push(event);
    }
  }

  /** Every event so far, in order, rebuilt where it was kept as a span. */
  all(): EngineEvent[] {
    return this.log.map((entry) => (typeof entry === 'number' ? this.stateEventOf(entry) : entry));
  }

  /** The events kept as themselves: all but the state events folded into spans. */
  *kept(): Generator<EngineEvent> {
    for (const entry of this.log) if (typeof entry !== 'number') yield entry;
  }

  /** The `state` event that opened span `i`. */
  private stateEventOf(i: number): EngineEvent {
    const model = this.model;
    if (!model) throw new Error('a span index is logged only once the model exists');
    const s = model.spans;
    const laneId = s.lane[i];
    const row = model.lanes[laneId].spans;
    // The lane's span indices grow with time: the one before i, by binary search.
    let lo = 0;
    let hi = row.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (row.items[mid] < i) lo = mid + 1;
      else hi = mid;
    }
    const cpu = s.cpu[row.items[lo - 1]];
    return {
      type: 'state',
      laneId: laneId as LaneId,
      tsUs: s.start[i],
      state: SPAN_STATES[s.state[i]],
      detail: s.detail[i] >= 0 ? s.strings[s.detail[i]] : null,
      mayWaitForGil: (s.flags[i] & FLAG_MAY_WAIT_FOR_GIL) !== 0,
      closedCpuUs: Number.isNaN(cpu) ? null : cpu,
    };
  }
}
