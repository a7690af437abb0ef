import { join, sep } from 'node:path';

/** Where a built engine finds what it starts. */
export interface BuiltLayout {
  readonly entry: string;
  readonly samplerEntry: string;
  readonly pythonDir: string;
}

/**
 * Paths from the folder of the built main bundle (out/main). In a packaged
 * app that folder is inside app.asar, which threads, processes and Python
 * cannot read from: the installer unpacks them beside it.
 */
export function builtLayout(mainDir: string): BuiltLayout {
  const onDisk = mainDir
    .replace(`app.asar${sep}`, `app.asar.unpacked${sep}`)
    .replace(/app\.asar$/, 'app.asar.unpacked');
  return {
    entry: join(onDisk, 'workload.js'),
    samplerEntry: join(onDisk, 'sampler.js'),
    pythonDir: join(onDisk, '..', '..', 'resources', 'python'),
  };
}
