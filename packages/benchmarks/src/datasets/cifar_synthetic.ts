import { SeedStream, checkPositiveInt, invalid } from '@ddvi/core';
import { CIFAR_COLS, CIFAR_DATA_SIZE, CIFAR_NUM_CLASSES, CIFAR_ROWS } from './cifar_format';
import type { CifarRecords } from './cifar_format';

export interface SyntheticCifarOptions {
  /** Training images (classes in turn: image i has class i mod 10). */
  trainSize: number;
  testSize: number;
  /** Root seed; train and test draw from forks of it, so they differ and each is reproducible. */
  seed: number;
}

/** One predicate per class: is the offset (dx, dy) from the centre inside the shape of radius r? */
const SHAPES: readonly ((dx: number, dy: number, r: number) => boolean)[] = [
  (dx, dy, r) => dx * dx + dy * dy <= r * r, // 0 disc
  (dx, dy, r) => Math.abs(dx) <= r * 0.8 && Math.abs(dy) <= r * 0.8, // 1 square
  (dx, dy, r) => dy <= r * 0.7 && dy >= -r && Math.abs(dx) <= (dy + r) * 0.6, // 2 triangle
  (dx, dy, r) => { const d = Math.hypot(dx, dy); return d <= r && d >= r * 0.6; }, // 3 ring
  (dx, dy, r) => (Math.abs(dx) <= r * 0.25 || Math.abs(dy) <= r * 0.25) && Math.max(Math.abs(dx), Math.abs(dy)) <= r, // 4 plus
  (dx, dy, r) => Math.abs(Math.abs(dx) - Math.abs(dy)) <= r * 0.25 && Math.max(Math.abs(dx), Math.abs(dy)) <= r, // 5 X
  (dx, dy, r) => Math.abs(dx) <= r && Math.abs(dy) <= r && Math.floor((dy + r) / (r / 2.5)) % 2 === 0, // 6 horizontal bars
  (dx, dy, r) => Math.abs(dx) <= r && Math.abs(dy) <= r && Math.floor((dx + r) / (r / 2.5)) % 2 === 0, // 7 vertical bars
  (dx, dy, r) => Math.max(Math.abs(dx), Math.abs(dy)) <= r && Math.max(Math.abs(dx), Math.abs(dy)) >= r * 0.65, // 8 frame
  (dx, dy, r) => Math.hypot(dx - r * 0.5, dy) <= r * 0.45 || Math.hypot(dx + r * 0.5, dy) <= r * 0.45, // 9 two dots
];

/** Class colours: ten hues around the wheel at full saturation, as RGB in [0, 1]. */
function classColour(c: number): [number, number, number] {
  const h = (c / CIFAR_NUM_CLASSES) * 6;
  const x = 1 - Math.abs((h % 2) - 1);
  const sector = Math.floor(h);
  const rgb: [number, number, number][] = [[1, x, 0], [x, 1, 0], [0, 1, x], [0, x, 1], [x, 0, 1], [1, 0, x]];
  return rgb[sector]!;
}

function images(n: number, rng: SeedStream): CifarRecords {
  const pixels = new Uint8Array(n * CIFAR_DATA_SIZE);
  const labels = new Uint8Array(n);
  const plane = CIFAR_ROWS * CIFAR_COLS;
  for (let i = 0; i < n; i++) {
    const c = i % CIFAR_NUM_CLASSES;
    labels[i] = c;
    const cx = 15.5 + (rng.uniform() - 0.5) * 8;
    const cy = 15.5 + (rng.uniform() - 0.5) * 8;
    const r = 7 + rng.uniform() * 5;
    const base = classColour(c);
    const fg = base.map((v) => Math.min(1, Math.max(0, 0.15 + 0.75 * v + (rng.uniform() - 0.5) * 0.2)));
    const bg = [0, 1, 2].map(() => 0.05 + rng.uniform() * 0.3);
    const inside = SHAPES[c]!;
    const off = i * CIFAR_DATA_SIZE;
    for (let y = 0; y < CIFAR_ROWS; y++) {
      for (let x = 0; x < CIFAR_COLS; x++) {
        const on = inside(x - cx, y - cy, r);
        for (let ch = 0; ch < 3; ch++) {
          const v = (on ? fg[ch]! : bg[ch]!) + (rng.uniform() - 0.5) * 0.08;
          pixels[off + ch * plane + y * CIFAR_COLS + x] = Math.round(255 * Math.min(1, Math.max(0, v)));
        }
      }
    }
  }
  return { pixels, labels };
}

/**
 * A generated stand-in for CIFAR-10 in the same layout: each class is its own shape (disc,
 * square, triangle, ring, plus, X, horizontal bars, vertical bars, frame, two dots) in its own hue,
 * with seeded jitter in position, size, colour, background and pixel noise. It lets the whole
 * CIFAR path (files, reader, conv networks, benchmark) run without the real files; its numbers say
 * nothing about CIFAR-10 itself.
 */
export function synthesizeCifar10(options: SyntheticCifarOptions): { train: CifarRecords; test: CifarRecords } {
  const where = 'synthesizeCifar10';
  checkPositiveInt(where, 'trainSize', options?.trainSize);
  checkPositiveInt(where, 'testSize', options.testSize);
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) invalid(where, 'seed', 'an integer in [0, 2^32)', options.seed);
  const root = new SeedStream(options.seed);
  return { train: images(options.trainSize, root.fork('train')), test: images(options.testSize, root.fork('test')) };
}
