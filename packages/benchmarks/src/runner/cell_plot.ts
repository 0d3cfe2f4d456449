import { join } from 'node:path';
import { writeFileAtomic } from '@ddvi/core';
import { latentScatterSvg } from './latent_svg';

/** Writes extra plots of a cell (e.g. the CLI's vega PNG); returns file names relative to `out`. */
export type LatentPlotter = (input: {
  out: string;
  stem: string;
  z: Float32Array;
  labels?: Int32Array;
  priorSamples: Float32Array;
  title: string;
  labelName: string;
}) => Promise<string[]>;

/**
 * A cell's plots, for a family and a baseline alike: the SVG scatter of its test latents over prior
 * samples at `plots/<stem>.svg`, then the plotter's own files; returns every file relative to `out`.
 */
export async function plotCell(
  input: Parameters<LatentPlotter>[0] & { plotLatents?: LatentPlotter | undefined; marked?: { z: Float32Array; labels?: Int32Array } | undefined },
): Promise<string[]> {
  const { out, stem, z, labels, priorSamples, title, plotLatents } = input;
  const files = [`plots/${stem}.svg`];
  // `marked`: the labelled training points of a semi-supervised cell, ringed on the scatter.
  await writeFileAtomic(join(out, 'plots', `${stem}.svg`), latentScatterSvg({ z, ...(labels ? { labels } : {}), priorSamples, title, marked: input.marked }));
  if (plotLatents) {
    files.push(...(await plotLatents({ out, stem, z, ...(labels ? { labels } : {}), priorSamples, title, labelName: input.labelName })));
  }
  return files;
}
