/**
 * The random architectures and inputs of the property suites. One home for the architecture
 * arbitrary: src/spec/arbitraries.ts, which check-layer's random compositions draw from too.
 */
export * from '../src/spec/arbitraries.ts';
