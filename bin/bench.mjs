#!/usr/bin/env node
// npm run bench: the SMTP throughput benchmark, run through tsx's loader (no build step).
// `bench.mjs --engine-child CONFIG DATA` is the engine process the benchmark forks for itself.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bench/main.ts');
await main(process.argv.slice(2));
