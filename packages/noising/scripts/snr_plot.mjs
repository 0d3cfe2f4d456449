// Writes docs/noising-snr.svg: log10 SNR_t = log10(m_t^2 / s_t^2) against t / T for the shipped
// schedules. Run after `npx tsup`: node scripts/snr_plot.mjs
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { linearSchedule, cosineSchedule, sigmoidSchedule } from '../dist/index.js';

const series = [
  ['linear T=40 (DDVI)', linearSchedule(40), '#1f77b4'],
  ['linear T=100', linearSchedule(100), '#aec7e8'],
  ['sigmoid T=40', sigmoidSchedule(40), '#2ca02c'],
  ['cosine T=40', cosineSchedule(40), '#d62728'],
  ['cosine T=1000', cosineSchedule(1000), '#ff9896'],
].map(([name, s, color]) => ({
  name,
  color,
  pts: Array.from(s.alphasCumprod, (a, i) => [(i + 1) / s.T, Math.log10(a / s.oneMinusAlphasCumprod[i])]),
}));
// VarianceExploding.geometric(40, 0.01, 10)'s sigmas (computed here: constructing a process needs a tfjs backend)
const veSigmas = Array.from({ length: 40 }, (_, i) => 0.01 * (10 / 0.01) ** (i / 39));
series.push({ name: 'variance exploding T=40 (sigma 0.01..10)', color: '#9467bd', pts: veSigmas.map((s, i) => [(i + 1) / 40, Math.log10(1 / (s * s))]) });

const W = 640, H = 400, L = 60, R = 20, Tp = 20, B = 50;
const yMin = -6, yMax = 5;
const x = (u) => L + u * (W - L - R);
const y = (v) => Tp + ((yMax - Math.max(yMin, Math.min(yMax, v))) / (yMax - yMin)) * (H - Tp - B);
let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">\n`;
svg += `<rect width="${W}" height="${H}" fill="white"/>\n`;
for (let v = yMin; v <= yMax; v++) {
  svg += `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="${v === 0 ? '#888' : '#eee'}"/><text x="${L - 8}" y="${y(v) + 4}" text-anchor="end">${v}</text>\n`;
}
for (let u = 0; u <= 1.0001; u += 0.25) {
  svg += `<line x1="${x(u)}" x2="${x(u)}" y1="${Tp}" y2="${H - B}" stroke="#eee"/><text x="${x(u)}" y="${H - B + 16}" text-anchor="middle">${u}</text>\n`;
}
svg += `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">t / T</text>\n`;
svg += `<text transform="translate(16 ${(Tp + H - B) / 2}) rotate(-90)" text-anchor="middle">log10 SNR_t = log10(m_t² / s_t²) (clipped at ${yMin})</text>\n`;
series.forEach((s, k) => {
  svg += `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.pts.map(([u, v]) => `${x(u).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>\n`;
  svg += `<line x1="${W - R - 290}" x2="${W - R - 270}" y1="${Tp + 14 + k * 16}" y2="${Tp + 14 + k * 16}" stroke="${s.color}" stroke-width="2"/><text x="${W - R - 265}" y="${Tp + 18 + k * 16}">${s.name}</text>\n`;
});
svg += '</svg>\n';
const out = fileURLToPath(new URL('../../../docs/noising-snr.svg', import.meta.url));
writeFileSync(out, svg);
console.log(`wrote ${out}`);
