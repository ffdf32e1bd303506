/**
 * Result of a hypothesis test.  Tests never return a bare boolean: the
 * statistic, p-value and level travel together so that a report can show
 * how far from the decision boundary a result was.
 *
 * - `method`: human-readable name of the test and of the p-value method.
 * - `statistic`: the test statistic (its meaning is given in `method`).
 * - `pValue`: probability under H0 of a statistic at least as extreme.
 * - `alpha`: the significance level the decision was taken at.
 * - `rejected`: `pValue <= alpha` (the usual convention, also used by Holm 1979).
 * - `df`: degrees of freedom of the reference distribution, when it has any.
 * - further test-specific fields (component statistics, sample sizes, ...).
 */
export interface TestResult {
  method: string;
  statistic: number;
  pValue: number;
  alpha: number;
  rejected: boolean;
  df?: number | number[];
  [extra: string]: unknown;
}

/** Result of a multiple-testing correction (see `holm`, `bonferroni`). */
export interface MultipleTestingResult {
  method: string;
  alpha: number;
  /** Adjusted p-values, in the order of the input. */
  adjusted: number[];
  /** `adjusted[i] <= alpha`, in the order of the input. */
  rejected: boolean[];
}
