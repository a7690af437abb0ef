/**
 * Entry of every executor the engine starts: as a worker thread it gets its
 * plan in `workerData` and reports over the message port; as a child process
 * it gets its plan in argv and reports on fd 3, one JSON record a line, so
 * its stdout and stderr stay its own.
 */
import { writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { TracerRecord } from '../../../protocol/tracer';
import { RECORD_FD } from '../launch';
import type { WorkloadInit } from '../plan';
import { runExecutor, type Reporter } from './runner';

const entry = fileURLToPath(import.meta.url);

function writeRecordLine(record: TracerRecord): void {
  const line = Buffer.from(JSON.stringify(record) + '\n');
  let offset = 0;
  while (offset < line.length) {
    try {
      offset += writeSync(RECORD_FD, line, offset);
    } catch (err) {
      // The engine reads as fast as it can; a full pipe only needs a retry.
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    }
  }
}

/** Ends this process if the one that started it goes away (it would be an orphan). */
function exitWithParent(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(1);
  }, 250).unref();
}

async function main(): Promise<void> {
  if (!isMainThread && parentPort) {
    const port = parentPort;
    const reporter: Reporter = { send: (record) => port.postMessage(record) };
    process.exitCode = await runExecutor(workerData as WorkloadInit, reporter, entry);
    return;
  }
  exitWithParent();
  const init = JSON.parse(process.argv[2] ?? '') as WorkloadInit;
  const code = await runExecutor(init, { send: writeRecordLine }, entry);
  process.exit(code);
}

void main();
