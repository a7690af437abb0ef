/** Exit codes: 0 completed, 1 the run failed, 2 bad usage, 130 interrupted (trace: the script's own). */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
