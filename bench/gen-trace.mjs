/**
 * Writes a synthetic Chrome Trace Event file: `spans` X slices over `lanes` threads in `processes`
 * processes, each lane's slices end to end with small gaps, named like a real program's
 * ("compute", "io wait"), with process and thread names. For the scale benchmark and the e2e tests.
 */
import { createWriteStream } from 'node:fs';
import { createGzip } from 'node:zlib';

/**
 * @param {string} path
 * @param {{ spans: number, lanes: number, processes?: number, gzip?: boolean }} options
 * @returns {Promise<void>}
 */
export function writeTrace(path, { spans, lanes, processes = 5, gzip = false }) {
  const file = createWriteStream(path);
  const zip = gzip ? createGzip() : null;
  if (zip) zip.pipe(file);
  /** @type {NodeJS.WritableStream} */
  const out = zip ?? file;
  const done = new Promise((resolve, reject) => {
    file.on('finish', () => resolve(undefined));
    file.on('error', reject);
  });
  const lines = [];
  for (let p = 0; p < processes; p++)
    lines.push(JSON.stringify({ ph: 'M', name: 'process_name', pid: 1 + p, tid: 0, args: { name: `service ${p}` } }));
  for (let l = 0; l < lanes; l++)
    lines.push(
      JSON.stringify({
        ph: 'M',
        name: 'thread_name',
        pid: 1 + (l % processes),
        tid: 100 + l,
        args: { name: `worker ${l}` },
      }),
    );
  out.write(`{"traceEvents":[\n${lines.join(',\n')}`);
  const per = Math.ceil(spans / lanes);
  let written = 0;
  let batch = [];
  for (let l = 0; l < lanes && written < spans; l++) {
    let t = 1_000_000;
    for (let k = 0; k < per && written < spans; k++, written++) {
      const dur = 5 + ((k * 7919 + l * 31) % 200);
      const name = k % 3 ? 'compute' : 'io wait';
      batch.push(
        `{"ph":"X","name":"${name}","cat":"work","pid":${1 + (l % processes)},"tid":${100 + l},"ts":${t},"dur":${dur}}`,
      );
      t += dur + ((k * 13) % 7);
      if (batch.length === 10_000) {
        out.write(`,\n${batch.join(',\n')}`);
        batch = [];
      }
    }
  }
  if (batch.length > 0) out.write(`,\n${batch.join(',\n')}`);
  out.write('\n],"displayTimeUnit":"ms"}\n');
  out.end();
  return done;
}
