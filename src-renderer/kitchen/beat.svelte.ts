/**
 * One beat for every kitchen on screen: the chopping arms and the vegetables
 * they shake move on it, all in the same frame. Each move repaints the scene
 * (in software on machines without a GPU, several ms of a core here), so
 * moving everything together costs one repaint a beat however many cooks chop,
 * and leaves the CPU to the workload being measured.
 */
const BEAT_MS = 250;

let on = $state(false);
let users = 0;
let timer: ReturnType<typeof setInterval> | null = null;

export const beat = {
  /** Flips every BEAT_MS while some kitchen needs it. */
  get on(): boolean {
    return on;
  },
};

/** Keeps the beat going until the returned function is called. */
export function useBeat(): () => void {
  users++;
  timer ??= setInterval(() => (on = !on), BEAT_MS);
  return () => {
    users--;
    if (users === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}
