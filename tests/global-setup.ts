import { existsSync } from 'node:fs';
import { WORKLOAD_ENTRY } from './engine/helpers';

/** Engine tests run the built workload; say how to get it rather than fail obscurely. */
export default function setup(): void {
  if (!existsSync(WORKLOAD_ENTRY)) {
    throw new Error(`${WORKLOAD_ENTRY} is missing: run \`npm run build\` first (npm test does).`);
  }
}
