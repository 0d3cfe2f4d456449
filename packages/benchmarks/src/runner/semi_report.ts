import type { CellResult } from './cell_store';

/** The per-budget accuracy curve's file, in the run's folder (written when the grid has label budgets). */
export const BUDGET_CURVE = 'accuracy_by_labels.svg';

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#2f2f2f'];
const W = 560;
const H = 360;
const PAD = { left: 50, right: 170, top: 30, bottom: 40 };

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The report's note on semi-supervised rows. */
export function semiNote(labels: readonly number[]): string {
  return (
    `Semi-supervised (label budgets ${labels.join(', ')}; spec §5.1, D6): each cell keeps exactly n seeded training labels ` +
    '(the seed picks them; budgets of one seed are nested) and hides every test label. "-semi" rows run the family\'s own ' +
    'semi-supervised form (DDVI: a classifier pi(c|x) and the class conditioning its reverse chain; the AAE: a discriminator ' +
    'on (z, onehot(c))) or the shared wrapper (@ddvi/posterior-semi: pi(c|x), the family built on [x, onehot(c)], the class ' +
    'of an unlabelled row an auxiliary variable reversed by rho(c|z)); the model scores labelled rows under p(z|c). ' +
    'classifier acc: argmax pi(c|x) on the test set (n/a for the AAE, which has no classifier); test ELBO and IWAE: bounds on ' +
    `log p(x) of the unlabelled test rows. The accuracy by budget: [${BUDGET_CURVE}](${BUDGET_CURVE}).`
  );
}

/**
 * Test accuracy against the label budget, one line per family and prior (mean over seeds): the
 * classifier pi(c|x) solid, the kNN accuracy of the latents dashed. Budgets sit evenly spaced.
 */
export function budgetCurveSvg(cells: readonly CellResult[], title = 'test accuracy by label budget'): string {
  const semi = cells.filter((c) => c.cell.labels !== undefined && !c.cell.baseline);
  const budgets = [...new Set(semi.map((c) => c.cell.labels!))].sort((a, b) => a - b);
  const series = new Map<string, Map<number, { classifier: number[]; knn: number[] }>>();
  for (const c of semi) {
    const key = `${c.cell.dataset} ${c.cell.family}-semi, ${c.cell.prior}`;
    const byBudget = series.get(key) ?? new Map<number, { classifier: number[]; knn: number[] }>();
    const at = byBudget.get(c.cell.labels!) ?? { classifier: [], knn: [] };
    if (typeof c.metrics.classifierAccuracy === 'number') at.classifier.push(c.metrics.classifierAccuracy);
    if (typeof c.metrics.knnAccuracy === 'number') at.knn.push(c.metrics.knnAccuracy);
    byBudget.set(c.cell.labels!, at);
    series.set(key, byBudget);
  }
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const px = (i: number) => PAD.left + (budgets.length <= 1 ? plotW / 2 : (i / (budgets.length - 1)) * plotW);
  const py = (acc: number) => PAD.top + (1 - acc) * plotH;
  const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${PAD.left}" y="${PAD.top - 12}" font-family="sans-serif" font-size="12">${esc(title)}</text>`,
    `<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
  ];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${py(tick).toFixed(1)}" y2="${py(tick).toFixed(1)}" stroke="#eee"/>`);
    out.push(`<text x="${PAD.left - 6}" y="${(py(tick) + 3).toFixed(1)}" font-family="sans-serif" font-size="9" text-anchor="end">${tick.toFixed(2)}</text>`);
  }
  budgets.forEach((b, i) => out.push(`<text x="${px(i).toFixed(1)}" y="${PAD.top + plotH + 14}" font-family="sans-serif" font-size="9" text-anchor="middle">${b}</text>`));
  out.push(`<text x="${PAD.left + plotW / 2}" y="${H - 8}" font-family="sans-serif" font-size="10" text-anchor="middle">labelled training examples</text>`);
  let k = 0;
  for (const [key, byBudget] of series) {
    const color = PALETTE[k % PALETTE.length]!;
    for (const [metric, dash] of [['classifier', ''], ['knn', ' stroke-dasharray="4 3"']] as const) {
      const points = budgets
        .map((b, i) => ({ i, acc: mean(byBudget.get(b)?.[metric] ?? []) }))
        .filter((p): p is { i: number; acc: number } => p.acc !== undefined);
      if (points.length === 0) continue;
      if (points.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5"${dash} points="${points.map((p) => `${px(p.i).toFixed(1)},${py(p.acc).toFixed(1)}`).join(' ')}"/>`);
      for (const p of points) out.push(`<circle cx="${px(p.i).toFixed(1)}" cy="${py(p.acc).toFixed(1)}" r="2.5" fill="${metric === 'classifier' ? color : 'white'}" stroke="${color}"/>`);
    }
    out.push(`<text x="${PAD.left + plotW + 10}" y="${PAD.top + 12 * k + 8}" font-family="sans-serif" font-size="9" fill="${color}">${esc(key)}</text>`);
    k++;
  }
  out.push(`<text x="${PAD.left + plotW + 10}" y="${PAD.top + 12 * k + 16}" font-family="sans-serif" font-size="9" fill="#555">solid: classifier pi(c|x)</text>`);
  out.push(`<text x="${PAD.left + plotW + 10}" y="${PAD.top + 12 * k + 28}" font-family="sans-serif" font-size="9" fill="#555">dashed: kNN on latents</text>`);
  out.push('</svg>', '');
  return out.join('\n');
}
