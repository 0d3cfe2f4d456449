import { Elbo, Trainer, createPosterior, evaluate, initBackend } from '@ddvi/core';
import { makeToyDataset } from '@ddvi/benchmarks';
import { DecoderModel } from '@ddvi/models';
import '@ddvi/posterior-gaussian'; // registers the 'gaussian' family

const backend = await initBackend(); // wasm unless DDVI_BACKEND or tfjs-node says otherwise
const data = makeToyDataset({ n: 256, dataSize: 16, seed: 0 });
const model = new DecoderModel({ latentSize: 2, dataSize: 16, prior: 'gaussian', hidden: [32], seed: 1 });
const posterior = createPosterior('gaussian', { latentSize: 2, dataSize: 16, seed: 2, config: { hidden: [32] } });
await new Trainer({ model, posterior, objective: new Elbo(), train: data, batchSize: 64, epochs: 2, learningRate: 1e-3, seed: 3 }).fit();
console.log(backend.name, 'test ELBO', evaluate(model, posterior, new Elbo(), data, { seed: 4 }).bound);
