/// <reference lib="webworker" />
import './families';
import { listPosteriors } from '@ddvi/core';
import { createPrior, listPriors } from '@ddvi/distributions';
import { listNoisingProcesses } from '@ddvi/noising';
import type { FromWorker, PriorInfo, RunState, ToWorker } from '../protocol';
import { PRIOR_CHOICES } from '../settings';
import type { PlaygroundSettings } from '../settings';
import { selectBackend } from './backend';
import { loadPlaygroundSplits } from './data';
import { PlaygroundSession } from './session';

/**
 * The training worker: owns the tfjs backend, the session and its trainer, so the page stays
 * responsive however long a step takes. Talks to the page only through ../protocol.ts messages.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

/** A snapshot costs one encoder pass over the shown test points and one decoder pass over the grid. */
const SNAPSHOT_EVERY_MS = 400;

let assetBase = '';
let session: PlaygroundSession | undefined;
let controller: AbortController | undefined;
let running: Promise<void> | undefined;

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const m = event.data;
  const work = handle(m).catch((e: unknown) => {
    post({ type: 'error', message: (e as Error).message ?? String(e) });
    setState('failed', (e as Error).message ?? String(e));
  });
  if (m.type === 'train' || m.type === 'resume') running = work;
};

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'init': {
      assetBase = m.assetBase;
      const backend = await selectBackend(m.backend, new URL('tfjs-wasm/', assetBase).href);
      const registered = new Set(listPriors().map((p) => p.name));
      const priors: PriorInfo[] = PRIOR_CHOICES.filter((name) => registered.has(name)).map((name) => {
        const prior = createPrior(name);
        try {
          return { name, description: listPriors().find((p) => p.name === name)!.description, latentSize: prior.eventShape[0]! };
        } finally {
          prior.dispose();
        }
      });
      post({ type: 'ready', backend, posteriors: listPosteriors(), priors, noising: listNoisingProcesses() });
      setState('idle', `ready on ${backend.name}`);
      return;
    }
    case 'train':
      await stopRunning();
      session?.dispose();
      session = undefined;
      return train(m.settings);
    case 'stop':
      controller?.abort();
      return;
    case 'resume':
      if (!session || !session.latest || session.finished) throw new Error('nothing to resume: start a run first');
      await stopRunning();
      return fit(session, true);
    case 'export': {
      if (!session) throw new Error('nothing to export: start a run first');
      const files = await session.exportRun();
      post({ type: 'export', ...files });
      return;
    }
  }
}

async function train(settings: PlaygroundSettings): Promise<void> {
  setState('preparing', `loading ${settings.dataset} data`);
  const data = await loadPlaygroundSplits(settings.dataset, settings.prior, settings.latentSize, assetBase);
  session = new PlaygroundSession(settings, data);
  return fit(session, false);
}

async function fit(s: PlaygroundSession, resume: boolean): Promise<void> {
  controller = new AbortController();
  setState('training', resume ? `resuming at step ${s.latest?.step ?? 0}` : 'training');
  let lastSnapshot = 0;
  const snapshot = (step: number) => {
    const snap = s.snapshot(step);
    post({ type: 'snapshot', snapshot: snap }, [snap.latents.buffer, snap.grid.images.buffer]);
    lastSnapshot = Date.now();
  };
  const result = await s.run((e) => {
    if (e.type === 'start') {
      post({ type: 'start', totalSteps: e.totalSteps, resumedAtStep: e.resumedAtStep, epochs: e.epochs, hasDensity: s.posterior.capabilities.hasDensity });
      snapshot(e.resumedAtStep);
    } else if (e.type === 'step') {
      post({ type: 'step', step: e.step, totalSteps: e.totalSteps, terms: e.terms, msPerStep: e.msPerStep });
      if (Date.now() - lastSnapshot > SNAPSHOT_EVERY_MS) snapshot(e.step);
    } else if (e.type === 'epoch') {
      post({ type: 'epoch', epoch: e.record.epoch, train: e.record.train, ...(e.record.test ? { test: e.record.test } : {}) });
    }
  }, controller.signal, resume);
  snapshot(result.steps);
  setState(result.stopped ? 'stopped' : 'done', result.stopped ? `stopped at step ${result.steps}` : `done: ${result.steps} steps`);
}

async function stopRunning(): Promise<void> {
  controller?.abort();
  await running?.catch(() => undefined);
}

function setState(state: RunState, message: string): void {
  post({ type: 'state', state, message });
}
