#!/usr/bin/env node
// relaylab: runs the TypeScript engine through tsx's loader (no build step needed).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../engine/cli.ts');
await main(process.argv.slice(2));
