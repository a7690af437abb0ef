import type { Hello, PythonStatus } from '@protocol/commands';
import type { EventBatch, RunSnapshot } from '@protocol/events';
import { matrixCellId, type ParamSpec, type ScenarioInfo } from '@protocol/scenarios';
import type { Bridge, Link } from './bridge';
import { splitArgs } from './args';
import { ScriptSettings, store, stored, storedRecord } from './settings.svelte';
import { RunModel } from '@shared/run-model';
import { SvelteSet } from 'svelte/reactivity';
import { raf } from './frame';
import { ImportCancelled, TraceImportError } from '@shared/trace-import/index';
import { readTrace } from './read-trace';
import { keepRun, keptRuns } from './kept-runs';

/** Runs with more spans than this are not kept for after a restart (their events would not fit). */
const KEEP_SPANS_AT_MOST = 20_000;
import { toChromeTrace } from '@shared/trace-export';

/** The two chef scenarios are shown together: one look tells concurrency from parallelism. */
export const CHEF_PAIR = ['chef-concurrent', 'chef-parallel'] as const;

const isChef = (id: string): boolean => (CHEF_PAIR as readonly string[]).includes(id);

/** The scenario id the engine gives runs of the user's own scripts. */
export const SCRIPT = 'script';

/** The picker's entry for section 5's model matrix (its cells are scenarios of their own). */
export const MATRIX = 'matrix';

/** The lesson a first start opens on: the notebook's first picture. */
const DEFAULT_LESSON = 'chef-concurrent';

/** A kept parameter set: numbers by key. */
const isNumberRecord = (v: unknown): v is Record<string, number> =>
  typeof v === 'object' && v !== null && Object.values(v).every((n) => typeof n === 'number' && Number.isFinite(n));

/**
 * The UI's state: what the engine offered, what the user picked, the runs
 * received so far. Run models are mutated in place by batches and are not
 * deep-proxied; `version` changes whenever one did, so views can redraw.
 */
export class AppState {
  link = $state<Link>('connecting');
  hello = $state.raw<Hello | null>(null);
  /** The lesson chosen (kept across reloads and restarts, with its parameters and Predict choice). */
  selectedId = $state(stored('lesson') || DEFAULT_LESSON);
  /** Edited parameter values, by scenario then key. */
  params = $state<Record<string, Record<string, number>>>(storedRecord('params', isNumberRecord));
  /** The run on screen (live or the last one). */
  current = $state.raw<RunModel | null>(null);
  /** The latest run of each scenario (the current one included), for side-by-side comparison. */
  latest = $state.raw<Readonly<Record<string, RunModel>>>({});
  /** Bumped whenever a run model changed in place. */
  version = $state(0);
  error = $state<string | null>(null);
  /** Scenarios still to run after the current one ("run both"). */
  queue = $state<string[]>([]);
  /** What the Run button runs: a lesson scenario, or the user's script; or a trace file shown. */
  mode = $state<'lessons' | 'script' | 'file'>('lessons');
  /** The trace file opened last (File ▸ Open, drag and drop, `kitchen view`). */
  opened = $state.raw<RunModel | null>(null);
  /** A file being read: its name, how far (0..1, null if its size is not known) and the events so far. */
  importing = $state<{ name: string; fraction: number | null; events: number } | null>(null);
  private importAbort: AbortController | null = null;
  private offeredFileTaken = false;
  python = $state.raw<PythonStatus | null>(null);
  /** What "Your script" runs, and with which interpreter (kept between sessions). */
  readonly script = new ScriptSettings();
  /** A run was asked for and has not begun yet (the engine gets a Python run ready first). */
  starting = $state(false);

  readonly scenario: ScenarioInfo | null = $derived(
    this.hello?.scenarios.find((s) => s.id === this.selectedId) ?? null,
  );
  /** The model matrix's cells, row by row. */
  readonly matrixCells: ScenarioInfo[] = $derived(this.hello?.scenarios.filter((s) => s.matrix) ?? []);
  /** The matrix cell whose run the chart shows. */
  matrixCell = $state<string | null>(null);
  /** Each lesson's Predict choice, as the user has it now. */
  predictions = $state<Record<string, string>>(storedRecord('predictions', (v) => typeof v === 'string'));
  /** The choice each run was started with (null: none was made): what its reveal answers. */
  predictedFor = $state.raw<Readonly<Record<string, string | null>>>({});
  readonly running: boolean = $derived.by(() => {
    void this.version;
    return this.current?.running ?? false;
  });

  /** The runs the timeline and kitchen show: the chef pair together, otherwise the current one. */
  readonly shown: RunModel[] = $derived.by(() => {
    void this.version;
    if (this.mode === 'file') return this.opened ? [this.opened] : [];
    if (this.mode === 'script') return this.current?.scenarioId === SCRIPT ? [this.current] : [];
    if (isChef(this.selectedId)) {
      return CHEF_PAIR.flatMap((id) => (this.latest[id] ? [this.latest[id]] : []));
    }
    if (this.selectedId === MATRIX) {
      const cell = this.matrixCell ? this.latest[this.matrixCell] : null;
      return cell ? [cell] : [];
    }
    return this.current?.scenarioId === this.selectedId ? [this.current] : [];
  });

  constructor(private readonly bridge: Bridge) {
    // `kitchen view FILE`: the server offers a file, and this page opens it once, first: the request
    // goes out at once, alongside the engine's hello (a server without a file answers 204).
    void this.openOffered();
    raf.beforeFrame(() => {
      if (this.pending) this.bump();
    });
    bridge.onBatch((batch) => this.receive(batch));
    bridge.onLink((link) => {
      this.link = link;
      if (link === 'open') void this.sync();
    });
  }

  /** Hello and the current run's snapshot: whenever the link opens (start, reconnect). */
  private async sync(): Promise<void> {
    try {
      this.hello = await this.bridge.hello();
      // A lesson kept from an older version that this engine no longer has: back to the first.
      if (this.selectedId !== MATRIX && !this.hello.scenarios.some((s) => s.id === this.selectedId))
        this.selectedId = DEFAULT_LESSON;
      this.python = this.script.pythonPath
        ? await this.bridge.configurePython(this.script.pythonPath)
        : this.hello.python;
      await this.resync();
    } catch (err) {
      // A link that closed meanwhile (lost, or refused for its token) has a banner of its own that says why.
      if (this.link === 'open') this.error = `Could not reach the engine: ${(err as Error).message}`;
    }
  }

  private adopt(snapshot: RunSnapshot): void {
    const model = RunModel.fromEvents(snapshot.events, snapshot.seq, snapshot.nowUs);
    if (!model) return;
    // Kept for its lesson (and Save trace), but a fresh page opens on the Lessons list whatever another
    // window last did: runs that start while this page is open are followed (receive).
    this.install(model);
  }

  private async openOffered(): Promise<void> {
    if (!this.bridge.openedTrace || this.offeredFileTaken) return;
    this.offeredFileTaken = true;
    let offered;
    try {
      offered = await this.bridge.openedTrace();
    } catch (err) {
      this.error = `Could not open the trace the server was given: ${(err as Error).message}`;
      return;
    }
    if (offered) await this.importStream(offered.stream, offered.name, offered.bytes);
  }

  /** Whether the desktop app's own open dialog picks traces (else the page's file input does). */
  get canPickTrace(): boolean {
    return this.bridge.pickTrace !== null;
  }

  /** The system's open dialog (desktop app), then reads the file picked. */
  async pickTrace(): Promise<void> {
    if (!this.bridge.pickTrace) return;
    try {
      const picked = await this.bridge.pickTrace();
      if (picked) await this.importStream(picked.stream, picked.name, picked.bytes);
    } catch (err) {
      this.error = `Could not open the trace: ${(err as Error).message}`;
    }
  }

  /** Listens to the app's menu (File ▸ Open Trace…): `open` is what the page does to open a file. */
  onMenu(open: () => void): () => void {
    return this.bridge.onMenu((action) => {
      if (action === 'open-trace' && !this.running) open();
    });
  }

  /** Opens a trace file the user picked or dropped. */
  openFile(file: File): Promise<void> {
    return this.importStream(file.stream(), file.name, file.size);
  }

  /**
   * Reads a Chrome trace (gzipped or not) as it streams in, with progress, into a model shown on its
   * own tab. A malformed file gets a message that says where it failed; what was read before it is shown.
   */
  async importStream(stream: ReadableStream<Uint8Array>, name: string, bytes: number | null): Promise<void> {
    this.cancelImport();
    const abort = new AbortController();
    this.importAbort = abort;
    this.importing = { name, fraction: bytes ? 0 : null, events: 0 };
    this.error = null;
    try {
      const result = await readTrace(stream, name, bytes, abort.signal, (fraction, events) => {
        if (this.importing) this.importing = { name, fraction, events };
      });
      this.showOpened(result.model);
    } catch (err) {
      if (err instanceof ImportCancelled || abort.signal.aborted) return;
      if (err instanceof TraceImportError) {
        this.error = err.message;
        if (err.partial) this.showOpened(err.partial.model);
      } else this.error = `Could not open ${name}: ${(err as Error).message}`;
    } finally {
      if (this.importAbort === abort) {
        this.importAbort = null;
        this.importing = null;
      }
    }
  }

  /** What the reader noted about the file shown (skipped events, nesting). */
  fileNotes = $state.raw<readonly string[]>([]);

  private showOpened(model: RunModel): void {
    this.fileNotes = model.source?.notes ?? [];
    this.opened = model;
    this.mode = 'file';
    this.version++;
  }

  /** Stops reading a file (Cancel); what was shown before stays. */
  cancelImport(): void {
    this.importAbort?.abort();
    this.importAbort = null;
    this.importing = null;
  }

  /** Shows the lessons or the script tab, as the user asked. */
  show(mode: 'lessons' | 'script' | 'file'): void {
    this.mode = mode;
  }

  /** Shows what a run that just started is about (it may have come from another window). */
  private follow(scenarioId: string): void {
    if (scenarioId === SCRIPT) {
      this.mode = 'script';
      return;
    }
    const info = this.hello?.scenarios.find((s) => s.id === scenarioId);
    if (!info) return;
    this.mode = 'lessons';
    if (info.matrix) {
      this.choose(MATRIX);
      this.matrixCell = scenarioId;
      return;
    }
    if (!isChef(scenarioId) || !isChef(this.selectedId)) this.choose(scenarioId);
  }

  private install(model: RunModel): void {
    this.starting = false;
    if (!(model.runId in this.predictedFor)) {
      const id = this.hello?.scenarios.find((s) => s.id === model.scenarioId)?.matrix ? MATRIX : model.scenarioId;
      this.predictedFor = { ...this.predictedFor, [model.runId]: this.predictions[id] ?? null };
    }
    this.current = model;
    this.latest = { ...this.latest, [model.scenarioId]: model };
    this.version++;
  }

  private receive(batch: EventBatch): void {
    let model = this.current?.runId === batch.runId ? this.current : null;
    if (!model) {
      const started = batch.events[0];
      if (batch.seq !== 0 || started?.type !== 'run-started') {
        void this.resync();
        return;
      }
      model = new RunModel(started);
      this.install(model);
      this.follow(model.scenarioId);
    } else if (batch.seq !== model.lastSeq + 1) {
      void this.resync();
      return;
    }
    for (const event of batch.events) model.apply(event);
    model.lastSeq = batch.seq;
    model.lastNowUs = batch.nowUs;
    model.lastArrivalMs = performance.now();
    this.changed(model);
    if (!model.running) {
      void this.keep(model);
      this.next();
    }
  }

  private pending = false;

  /**
   * Tells the views a model changed, through the one frame scheduler: while a run is live the change
   * is published at the start of the next frame that draws (at most every LIVE_REFRESH_MS), so the
   * chart, the labels and the kitchen redraw once per refresh, not once per batch. The end of a run
   * shows at once.
   */
  private changed(model: RunModel): void {
    if (!model.running) {
      this.bump();
      return;
    }
    this.pending = true;
    raf.request();
  }

  private bump(): void {
    this.pending = false;
    this.version++;
  }

  /** Rebuilds the run from a snapshot: on connect, or when a batch went missing (rather than show a wrong picture). */
  private async resync(): Promise<void> {
    const snapshot = await this.bridge.snapshot();
    if (snapshot) this.adopt(snapshot);
    else if (!this.current) this.restoreKept();
  }

  /** Runs from before the app (or the engine) restarted: kept in the page's storage, rebuilt from their events. */
  readonly keptRunIds = new SvelteSet<string>();
  private restoreKept(): void {
    for (const snapshot of keptRuns()) {
      const model = RunModel.fromEvents(snapshot.events, snapshot.seq, snapshot.nowUs);
      if (!model || model.running) continue;
      this.keptRunIds.add(model.runId);
      this.install(model);
    }
  }

  /** Keeps a run that has just ended, for after a restart (its events, from the engine's snapshot). */
  private async keep(model: RunModel): Promise<void> {
    // A big run would not fit the page's storage anyway: it is not fetched again to find out.
    if (model.spans.count > KEEP_SPANS_AT_MOST) return;
    try {
      const snapshot = await this.bridge.snapshot();
      if (snapshot && snapshot.runId === model.runId && !snapshot.running) keepRun(model.scenarioId, snapshot);
    } catch {
      // Not kept: the run is still on screen, and the engine still has it.
    }
  }

  /** The values the Run button will use for a scenario (a matrix cell: those of its row, kept on its sequential cell). */
  valuesFor(scenario: ScenarioInfo): Record<string, number> {
    const key = scenario.matrix ? matrixCellId(scenario.matrix.workload, 'sequential') : scenario.id;
    return Object.fromEntries(scenario.params.map((p) => [p.key, this.params[key]?.[p.key] ?? p.default]));
  }

  /** Chooses a Predict answer for a lesson (before its run; a later run answers the new choice). */
  predict(lessonId: string, choice: string): void {
    this.predictions = { ...this.predictions, [lessonId]: choice };
    store('predictions', JSON.stringify(this.predictions));
  }

  /** Runs every cell of the model matrix, one after another, each a real run. */
  runMatrix(): void {
    const cells = this.matrixCells.map((c) => c.id);
    if (cells.length > 0) void this.run(cells);
  }

  setParam(scenario: ScenarioInfo, spec: ParamSpec, value: number): void {
    this.params[scenario.id] = {
      ...this.valuesFor(scenario),
      [spec.key]: value,
    };
    store('params', JSON.stringify(this.params));
  }

  resetParams(scenario: ScenarioInfo): void {
    delete this.params[scenario.id];
    store('params', JSON.stringify(this.params));
  }

  select(id: string): void {
    if (this.running) return;
    this.choose(id);
    this.error = null;
  }

  /** Shows a lesson, and keeps the choice for the next reload or start. */
  private choose(id: string): void {
    this.selectedId = id;
    store('lesson', id);
  }

  /** Runs the selected scenario, or a queue of them one after another. */
  async run(ids: string[] = [this.selectedId]): Promise<void> {
    const [first, ...rest] = ids;
    const scenario = this.hello?.scenarios.find((s) => s.id === first);
    if (!scenario || this.running || this.starting) return;
    this.error = null;
    this.queue = rest;
    this.starting = true;
    try {
      await this.bridge.startRun(scenario.id, this.valuesFor(scenario));
    } catch (err) {
      this.starting = false;
      this.queue = [];
      this.error = (err as Error).message;
    }
  }

  private next(): void {
    const [id, ...rest] = this.queue;
    if (id === undefined) return;
    if (this.current?.end?.reason !== 'completed') {
      this.queue = [];
      return;
    }
    void this.run([id, ...rest]);
  }

  async stop(): Promise<void> {
    const model = this.current;
    this.queue = [];
    if (!model?.running) return;
    try {
      await this.bridge.stopRun(model.runId);
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  /** Chooses the Python interpreter (blank: the default) and remembers it. */
  async setPython(path: string): Promise<void> {
    this.script.setPython(path);
    try {
      this.python = await this.bridge.configurePython(this.script.pythonPath || null);
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  /** Whether the few-cores note was read and dismissed (once per browser or app). */
  coresWarned = $state(stored('coresWarned') === 'yes');

  /** The note a machine with 2 cores or fewer gets once: lessons about parallelism depend on it. */
  get coresWarning(): string | null {
    const cores = this.hello?.host.cores;
    if (cores === undefined || cores > 2 || this.coresWarned) return null;
    return cores === 1
      ? 'This machine has one CPU core: nothing can run in parallel on it, so lessons about parallelism will show lanes taking turns. Each lesson says what this machine did.'
      : 'This machine has 2 CPU cores: at most two lanes can compute at the same instant, and anything else running (this browser too) competes for them. Each lesson says what this machine did.';
  }

  dismissCoresWarning(): void {
    this.coresWarned = true;
    store('coresWarned', 'yes');
  }

  /** Whether there is a system file dialog to pick a script with (the desktop app). */
  get canPickScript(): boolean {
    return this.bridge.pickScript !== null;
  }

  /** Opens the system's file dialog (desktop app only). */
  async pickScript(): Promise<void> {
    const path = await this.bridge.pickScript?.();
    if (path) {
      this.script.setScript(path, this.script.args);
      this.script.setSource('file');
    }
  }

  /** Traces the user's script. */
  async runScript(): Promise<void> {
    const script = this.script;
    if (this.running || this.starting || !script.ready) return;
    this.error = null;
    this.starting = true;
    try {
      const args = splitArgs(script.args);
      if (script.source === 'code') await this.bridge.startCode(script.codeName, script.code, args);
      else await this.bridge.startScript(script.path.trim(), args);
    } catch (err) {
      this.starting = false;
      this.error = (err as Error).message;
    }
  }

  /** Run if idle, stop if running: the Run button and the Space key. */
  toggle(): void {
    if (this.running) void this.stop();
    else if (this.mode === 'script') void this.runScript();
    else if (this.selectedId === MATRIX) this.runMatrix();
    else void this.run();
  }

  /** What was just saved, and where (said once, then dismissed). */
  notice = $state<string | null>(null);

  /**
   * Hands a file the page made to the user: the desktop app's save dialog, else a download. Says where
   * it went; a cancelled dialog says nothing.
   */
  async saveFile(name: string, blob: Blob): Promise<string | null> {
    if (this.bridge.saveFile) {
      const saved = await this.bridge.saveFile(name, new Uint8Array(await blob.arrayBuffer()));
      if (saved) this.notice = `Saved ${saved}`;
      return saved;
    }
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    this.notice = `Downloaded ${name}`;
    return name;
  }

  /**
   * Saves the runs on screen as Chrome trace files (the save dialog, or a download): the current run,
   * or both runs of "Run both cooks", one file each.
   */
  async saveTrace(): Promise<void> {
    // An opened file is written here, by the same exporter the engine uses: it never went through the engine.
    const shown = this.shown.filter((m) => m.end && !m.running);
    const models = this.mode === 'file' ? [this.opened] : shown.length > 1 ? shown : [this.current];
    try {
      const saved: string[] = [];
      for (const model of models) {
        if (!model) continue;
        // A run kept from before a restart is no longer the engine's: it is written here too.
        const trace =
          model.source !== null || this.keptRunIds.has(model.runId)
            ? {
                fileName: model.source
                  ? `${model.source.file.replace(/(\.json)?(\.gz)?$/i, '')}.trace.json`
                  : `${model.scenarioId}-kept.trace.json`,
                json: JSON.stringify(toChromeTrace(model, model.end?.summary ?? null, 0, model.title)),
              }
            : await this.bridge.exportTrace(model.runId);
        const where = await this.saveFile(trace.fileName, new Blob([trace.json], { type: 'application/json' }));
        if (where) saved.push(where);
      }
      if (saved.length > 1) this.notice = `Saved both runs: ${saved.join(' and ')}`;
    } catch (err) {
      this.error = `Could not save the trace: ${(err as Error).message}`;
    }
  }
}
