/**
 * Ten distinguishable label colors (Tableau 10 as published, its tenth hue grey), cycled for more
 * classes. The report's LABEL_PALETTE (@ddvi/benchmarks) darkens the tenth to set it apart from its
 * grey prior samples; the page keeps the published one.
 */
const TABLEAU10 = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function labelColor(label: number): string {
  return TABLEAU10[((label % TABLEAU10.length) + TABLEAU10.length) % TABLEAU10.length]!;
}

/** A color per training term, stable across runs by the term's order of appearance. */
export function termColor(index: number): string {
  return TABLEAU10[index % TABLEAU10.length]!;
}
