#!/usr/bin/env node
// `kitchen`: the headless CLI. Builds first when the sources are newer than the build.
import { ensureBuilt } from '../scripts/ensure-built.mjs';

await ensureBuilt();
await import(new URL('../out/main/cli.js', import.meta.url).href);
