#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so users' layer files (.ts) load without a build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
