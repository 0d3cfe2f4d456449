import { describe, expect, it } from 'vitest';
import { pcaEmbedding, tsneEmbedding, umapEmbedding } from '../src/embeddings';
import { GramAccumulator } from '../src/gram';
import { pcaFromGram } from '../src/pca';
import { simulateGenotypes } from '../src/simulate';
import { tsne } from '../src/tsne';
import { separationRatio } from './helpers';

// 5 populations x 40, F_ST 0.1, 1,500 SNPs, PCA in memory (no files: the loaders are tested elsewhere).
const sim = simulateGenotypes({ populations: 5, individualsPerPopulation: 40, snps: 1500, fst: 0.1, seed: 9 });
const n = sim.samples.length;
const gram = new GramAccumulator(n);
for (const s of sim.snps()) {
  let sum = 0;
  for (const d of s.dosage) sum += d;
  const p = sum / (2 * n);
  if (p > 0 && p < 1) gram.addSnp(s.dosage, p);
}
const pcs = pcaFromGram(gram.matrix(), n, 20);

describe('baseline embeddings', () => {
  it('pcaEmbedding takes the first two PCs', () => {
    const e = pcaEmbedding(pcs);
    expect(e).toHaveLength(2 * n);
    expect(e[2 * 5 + 1]).toBeCloseTo(pcs.scores[5 * 20 + 1]!, 5);
    const sep = separationRatio(e, n, 2, sim.labels);
    console.log(`pca 2-D separation ratio ${sep.ratio.toFixed(2)}`);
    expect(() => pcaEmbedding(pcs, 21)).toThrow(/dims must be an integer in \[1, 20\]/);
  });

  it('umapEmbedding is deterministic per seed and separates the populations', () => {
    const a = umapEmbedding(pcs, { seed: 1, inputComponents: 10 });
    const b = umapEmbedding(pcs, { seed: 1, inputComponents: 10 });
    const c = umapEmbedding(pcs, { seed: 2, inputComponents: 10 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const sep = separationRatio(a, n, 2, sim.labels);
    console.log(`umap 2-D separation ratio ${sep.ratio.toFixed(2)}`);
    expect(sep.ratio).toBeGreaterThan(2);
  });

  it('tsneEmbedding is deterministic per seed and separates the populations', () => {
    const a = tsneEmbedding(pcs, { seed: 1, inputComponents: 10, iterations: 500 });
    const b = tsneEmbedding(pcs, { seed: 1, inputComponents: 10, iterations: 500 });
    const c = tsneEmbedding(pcs, { seed: 2, inputComponents: 10, iterations: 500 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const sep = separationRatio(a, n, 2, sim.labels);
    console.log(`t-SNE 2-D separation ratio ${sep.ratio.toFixed(2)}`);
    expect(sep.ratio).toBeGreaterThan(2);
  });

  it('t-SNE keeps neighbours: each point of two far-apart Gaussian blobs ends nearest its own blob', () => {
    const m = 60;
    const x = new Float64Array(m * 3);
    for (let i = 0; i < m; i++) for (let c = 0; c < 3; c++) x[i * 3 + c] = (i < 30 ? 0 : 10) + Math.sin(i * 7.1 + c * 3.3);
    const y = tsne(x, m, 3, { perplexity: 10, iterations: 1000, seed: 3 });
    let wrong = 0;
    for (let i = 0; i < m; i++) {
      let best = -1;
      let bd = Infinity;
      for (let j = 0; j < m; j++) {
        if (j === i) continue;
        const d = (y[2 * i]! - y[2 * j]!) ** 2 + (y[2 * i + 1]! - y[2 * j + 1]!) ** 2;
        if (d < bd) {
          bd = d;
          best = j;
        }
      }
      if (i < 30 !== best < 30) wrong++;
    }
    expect(wrong).toBe(0);
    expect(() => tsne(x, m, 3, { perplexity: 60 })).toThrow(/perplexity must be less than the number of points \(60\)/);
  });
});
