import type { ExitInfo } from '../records';
import type { RunSink, RunSource } from '../run';

/**
 * A source with something of its own to end when it does (an I/O lesson's page server): once, after
 * everything the source started has exited, after a stop, or when getting ready failed.
 */
export class WithTeardown implements RunSource {
  private ended: Promise<void> | null = null;

  constructor(
    private readonly inner: RunSource,
    private readonly teardown: () => Promise<void>,
  ) {}

  get runtime(): RunSource['runtime'] {
    return this.inner.runtime;
  }
  get python(): RunSource['python'] {
    return this.inner.python;
  }
  get sampled(): boolean {
    return this.inner.sampled;
  }

  private end(): Promise<void> {
    this.ended ??= this.teardown().catch(() => undefined);
    return this.ended;
  }

  allows(key: string): boolean {
    return this.inner.allows(key);
  }

  async prepare(): Promise<void> {
    try {
      await this.inner.prepare?.();
    } catch (err) {
      await this.end();
      throw err;
    }
  }

  async start(sink: RunSink): Promise<void> {
    try {
      await this.inner.start(sink);
    } finally {
      await this.end();
    }
  }

  async stop(graceMs: number): Promise<void> {
    try {
      await this.inner.stop(graceMs);
    } finally {
      await this.end();
    }
  }

  samplingHz(): number | null {
    return this.inner.samplingHz();
  }

  exitStatus(): ExitInfo | null {
    return this.inner.exitStatus?.() ?? null;
  }
}
