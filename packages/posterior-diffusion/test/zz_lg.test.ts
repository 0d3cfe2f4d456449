import { it } from 'vitest';
import { Elbo, Iwae, Trainer, evaluate } from '@ddvi/core';
import { referenceLinearGaussian } from '@ddvi/core/testing';
import { DdviPosterior } from '../src';

const cfgs: Record<string, object> = JSON.parse(process.env.CFGS ?? '{}');
it('lg', async () => {
  const model = referenceLinearGaussian();
  const data = model.sampleDataset(256, 7);
  const exact = model.logEvidence(data.x).reduce((a, b) => a + b, 0) / data.size;
  for (const [name, cfg] of Object.entries(cfgs)) {
    const q = new DdviPosterior(2, 6, 1, { encoderHidden: [32], contextHidden: [32], denoiserWidth: 32, encoderDropout: 0, contextDropout: 0, wake: 'bound', ...cfg });
    const epochs = Number(process.env.EPOCHS ?? 60);
    const trainer = new Trainer({ model, posterior: q, objective: new Elbo(), train: data, batchSize: 32, epochs, learningRate: Number(process.env.LR ?? 3e-3), seed: 3,
      phases: [{ name: 'p', epochs: { fraction: 1 }, trainable: (k) => k.startsWith('posterior/') }],
      onEvent: (e) => { if (e.type === 'epoch' && (e as any).record.epoch % 20 === 19) { const b = evaluate(model, q, new Elbo(), data, { seed: 5 }).bound!; console.log(name, (e as any).record.epoch, 'gap', (exact - b).toFixed(3)); } } });
    await trainer.fit();
    for (const k of [1, 16, 128]) { const b = evaluate(model, q, new Iwae({ k }), data, { seed: 9 }).bound!; console.log(name, 'iwae', k, 'gap', (exact - b).toFixed(3)); }
    trainer.dispose(); q.dispose();
  }
}, 600000);
