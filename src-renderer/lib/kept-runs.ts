import type { RunSnapshot } from '@protocol/events';
import { stored, store } from './settings.svelte';

/**
 * The last finished run of each lesson, kept in the page's storage so that a lesson's run survives an
 * app restart (a new engine starts with no runs): its events, as the engine's snapshot had them, so the
 * run is rebuilt by the same fold as a live one. Storage is small: past KEEP_BYTES, the oldest go.
 */
export const KEEP_BYTES = 3 * 1024 * 1024;
const KEY = 'runs';

interface Kept {
  readonly scenarioId: string;
  readonly keptAt: number;
  readonly snapshot: RunSnapshot;
}

function read(): Kept[] {
  try {
    const value: unknown = JSON.parse(stored(KEY) || '[]');
    return Array.isArray(value)
      ? value.filter(
          (k): k is Kept =>
            typeof k === 'object' &&
            k !== null &&
            typeof (k as Kept).scenarioId === 'string' &&
            Array.isArray((k as Kept).snapshot?.events),
        )
      : [];
  } catch {
    return [];
  }
}

/** Keeps a finished run (the latest of its lesson); says whether it fit. */
export function keepRun(scenarioId: string, snapshot: RunSnapshot, now = Date.now()): boolean {
  const kept = [...read().filter((k) => k.scenarioId !== scenarioId), { scenarioId, keptAt: now, snapshot }];
  kept.sort((a, b) => b.keptAt - a.keptAt);
  // Newest first, as many as fit.
  const out: Kept[] = [];
  let bytes = 2;
  for (const k of kept) {
    const size = JSON.stringify(k).length + 1;
    if (bytes + size > KEEP_BYTES) continue;
    out.push(k);
    bytes += size;
  }
  store(KEY, JSON.stringify(out));
  return out.some((k) => k.scenarioId === scenarioId && k.keptAt === now);
}

/** The kept runs, oldest first (so the newest is adopted last, and shown). */
export function keptRuns(): RunSnapshot[] {
  return read()
    .sort((a, b) => a.keptAt - b.keptAt)
    .map((k) => k.snapshot);
}
