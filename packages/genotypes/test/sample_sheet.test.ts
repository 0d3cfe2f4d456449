import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { labelSamples, readPopulationOrder, readSampleSheet } from '../src/sample_sheet';
import { genotypeTemp } from './helpers';

describe('sample sheets', () => {
  let tmp: ReturnType<typeof genotypeTemp>;
  beforeEach(() => (tmp = genotypeTemp()));
  afterEach(() => tmp.cleanup());

  // 1000 Genomes panels end lines with a tab in some releases.
  const PANEL = 'sample\tpop\tsuper_pop\tgender\t\nHG1\tGBR\tEUR\tmale\t\nNA2\tYRI\tAFR\tfemale\t\nHG3\tCHB\tEAS\tmale\t\nNA4\tFIN\tEUR\tfemale\t\n';

  it('reads a 1000 Genomes panel and labels the genotyped samples', async () => {
    const p = tmp.path('x.panel');
    writeFileSync(p, PANEL);
    const sheet = await readSampleSheet(p);
    expect(sheet.rows).toHaveLength(4);
    expect(sheet.bySample.get('NA2')).toEqual({ sample: 'NA2', pop: 'YRI', superPop: 'AFR', gender: 'female' });
    const l = labelSamples(['NA4', 'HG1', 'HG3', 'NA2'], sheet, 'g.vcf');
    // Default order: super-population code, then population code: AFR YRI, EAS CHB, EUR FIN, EUR GBR.
    expect(l.populations).toEqual(['YRI', 'CHB', 'FIN', 'GBR']);
    expect(Array.from(l.labels)).toEqual([2, 3, 1, 0]);
    expect(l.superPopulations).toEqual(['AFR', 'EAS', 'EUR', 'EUR']);
  });

  it('orders labels by a populations table', async () => {
    const t = tmp.path('pops.tsv');
    writeFileSync(t, 'Population Description\tPopulation Code\tSuper Population Code\nHan Chinese\tCHB\tEAS\nBritish\tGBR\tEUR\nFinnish\tFIN\tEUR\nYoruba\tYRI\tAFR\nIbadan\tESN\tAFR\n\nTotal\t\t\n');
    const order = await readPopulationOrder(t);
    expect(order).toEqual(['CHB', 'GBR', 'FIN', 'YRI', 'ESN']);
    const p = tmp.path('x.panel');
    writeFileSync(p, PANEL);
    const l = labelSamples(['NA4', 'HG1', 'HG3', 'NA2'], await readSampleSheet(p), 'g.vcf', { populationOrder: order });
    expect(l.populations).toEqual(['CHB', 'GBR', 'FIN', 'YRI']); // ESN: no sample, dropped from the classes
    expect(Array.from(l.labels)).toEqual([2, 1, 0, 3]);
  });

  it('rejects a malformed header', async () => {
    const p = tmp.path('bad.panel');
    writeFileSync(p, 'id\tpopulation\nHG1\tGBR\n');
    await expect(readSampleSheet(p)).rejects.toThrow(/sample sheet .*bad\.panel line 1: malformed header: expected tab-separated column names including "sample" and "pop"/);
  });

  it('rejects short rows and duplicates', async () => {
    const p = tmp.path('short.panel');
    writeFileSync(p, 'sample\tpop\tsuper_pop\nHG1\tGBR\tEUR\nHG2\n');
    await expect(readSampleSheet(p)).rejects.toThrow(/short\.panel line 3: expected at least 3 tab-separated fields/);
    writeFileSync(p, 'sample\tpop\nHG1\tGBR\nHG1\tFIN\n');
    await expect(readSampleSheet(p)).rejects.toThrow(/line 3: sample "HG1" is listed twice/);
  });

  it('rejects genotyped samples that the sheet does not list, unless told to drop them', async () => {
    const p = tmp.path('x.panel');
    writeFileSync(p, PANEL);
    const sheet = await readSampleSheet(p);
    expect(() => labelSamples(['HG1', 'ZZ9', 'NA2'], sheet, 'g.vcf')).toThrow(
      /sample sheet .*x\.panel does not match g\.vcf: 1 of 3 genotyped samples have no row in the sheet \(4 rows\), e\.g\. "ZZ9"/,
    );
    const l = labelSamples(['HG1', 'ZZ9', 'NA2'], sheet, 'g.vcf', { unlabeled: 'drop' });
    expect(Array.from(l.keep)).toEqual([0, 2]);
    expect(l.dropped).toEqual(['ZZ9']);
    expect(() => labelSamples(['A', 'B'], sheet, 'g.vcf', { unlabeled: 'drop' })).toThrow(/none of its 4 samples is among the 2 genotyped samples/);
  });

  it('rejects populations missing from the given order', async () => {
    const p = tmp.path('x.panel');
    writeFileSync(p, PANEL);
    const sheet = await readSampleSheet(p);
    expect(() => labelSamples(['HG1', 'NA2'], sheet, 'g.vcf', { populationOrder: ['GBR'] })).toThrow(/populations YRI are not in populationOrder/);
  });
});
