import { initBackend } from '@ddvi/core';
import { kMeans, knnAccuracy, makeToyDataset, nmi } from '@ddvi/benchmarks';

await initBackend();
// Latent-space metrics take plain arrays (or tensors): here two well separated 2-D clusters.
const points = [[0, 0], [0.1, 0], [0, 0.2], [5, 5], [5.1, 5], [5, 5.2]];
const labels = [0, 0, 0, 1, 1, 1];
console.log('kNN accuracy', knnAccuracy({ trainX: points, trainY: labels, testX: points, testY: labels, k: 1 }));
console.log('NMI of k-means', nmi(labels, kMeans(points, { k: 2, seed: 0 }).labels));
const toy = makeToyDataset({ n: 100, dataSize: 16, seed: 0 }); // a Dataset for the Trainer
console.log(toy.size, toy.dataSize);
