import fc from 'fast-check';

// A pinned global seed keeps property-test names and counterexamples stable across runs.
fc.configureGlobal({ seed: 20200610 });
