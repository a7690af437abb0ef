import type { EngineEvent, LaneInfo, LaneKind } from '../../src-main/protocol/events';
import type { LaneId, RunId, ScenarioId } from '../../src-main/protocol/ids';
import { RunModel } from '../../src-shared/run-model';

/** A lane id from a number. */
export const id = (n: number): LaneId => n as LaneId;

/** A lane spawned at 0 in process 7 (or 1 for threads), thread id still unknown. */
export const lane = (laneId: number, name: string, kind: LaneKind = 'task'): LaneInfo => ({
  laneId: id(laneId),
  name,
  kind,
  detail: null,
  pid: 7,
  tid: null,
  parentLaneId: null,
  spawnedUs: 0,
});

/** A run model fed `events` after its run-started. */
export function modelOf(events: readonly EngineEvent[], scenarioId = 'chef-concurrent'): RunModel {
  const model = new RunModel(
    {
      runId: 'r1' as RunId,
      scenarioId: scenarioId as ScenarioId,
      title: 'One cook',
      params: {},
      cores: 2,
      runtime: 'node',
      sampled: false,
    },
    2,
  );
  for (const event of events) model.apply(event);
  return model;
}
