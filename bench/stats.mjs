// Small, dependency-free statistics for the bench: quantiles by linear interpolation between closest ranks.

/** The q-quantile (0..1) of some numbers; NaN for none. */
export function quantile(values, q) {
  if (!values.length) return NaN
  const sorted = Float64Array.from(values).sort()
  const at = (sorted.length - 1) * q
  const low = Math.floor(at)
  const high = Math.ceil(at)
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low)
}

/** Median, quartiles and extremes of some numbers. */
export function summary(values) {
  return {
    n: values.length,
    min: quantile(values, 0),
    q1: quantile(values, 0.25),
    median: quantile(values, 0.5),
    q3: quantile(values, 0.75),
    max: quantile(values, 1),
  }
}

/** Median, p99 and max of latency samples. */
export function latencySummary(values) {
  return { n: values.length, p50: quantile(values, 0.5), p99: quantile(values, 0.99), max: quantile(values, 1) }
}

/** Fisher–Yates shuffle of a copy, so that no contender always runs first (or on a warm cache). */
export function shuffled(items) {
  const copy = items.slice()
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j], copy[i]]
  }
  return copy
}
