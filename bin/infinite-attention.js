#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so users' layer files (.ts) load without a build.
import { register } from 'tsx/esm/api';

// `infinite-attention … | head` closes the pipe early: that is not an error worth a stack trace.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
