/** Reading user files with errors that say which file and what is wrong. */
import { readFileSync } from 'node:fs';
import { parseInputs, SpecError } from './spec/schema.ts';
import { parseNetworkSpec } from './layers/parse.ts';
import type { InputBatch, NetworkSpec } from './spec/types.ts';

export function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SpecError(`cannot read ${what} file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SpecError(`${what} file ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

const inFile = (path: string, e: unknown): never => {
  // readJson's own messages already name the file.
  if (e instanceof SpecError) throw e.message.includes(path) ? e : new SpecError(`${path}: ${e.message}`, e.issues);
  throw e;
};

export function readSpec(path: string): NetworkSpec {
  try {
    return parseNetworkSpec(readJson(path, 'spec'));
  } catch (e) {
    return inFile(path, e);
  }
}

export function readInputs(path: string): InputBatch {
  try {
    return parseInputs(readJson(path, 'inputs'));
  } catch (e) {
    return inFile(path, e);
  }
}
