#!/usr/bin/env node
// An installed package runs its compiled JavaScript (dist/, built by `npm run build`, which `npm ci`
// and `npm pack` run through `prepare`). A checkout of the repository runs its TypeScript sources
// through tsx instead, so that the command and the tests never run a stale build; the published
// tarball holds no src/, so it always takes the first path.
import { existsSync } from 'node:fs';

// A closed stdout (`… | head`) is handled in main(): the exit status stays the verdicts'.
const sources = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);
let entry = compiled;
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = sources;
} else if (!existsSync(compiled)) {
  console.error(`infinite-attention: ${compiled.pathname} is missing; run \`npm run build\` in the package`);
  process.exit(3);
}
const { main } = await import(entry.href);
await main(process.argv);
