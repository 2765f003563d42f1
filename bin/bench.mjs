#!/usr/bin/env node
// npm run bench: the SMTP throughput benchmark; `npm run bench -- ui` the UI benchmark (10,000
// stored sessions). Run through tsx's loader (no build step). `bench.mjs --engine-child CONFIG
// DATA` is the engine process the SMTP benchmark forks for itself.
import { register } from 'tsx/esm/api';

register();
const args = process.argv.slice(2);
const { main } = args[0] === 'ui' ? await import('../bench/ui.ts') : await import('../bench/main.ts');
await main(args[0] === 'ui' ? args.slice(1) : args);
