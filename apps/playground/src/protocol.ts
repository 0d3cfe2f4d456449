import type { BackendChoice } from './backend_choice';
import type { PlaygroundSettings } from './settings';
import type { Snapshot } from './worker/session';

/** Messages from the page to the training worker. */
export type ToWorker =
  | { type: 'init'; backend: BackendChoice; assetBase: string }
  | { type: 'train'; settings: PlaygroundSettings }
  | { type: 'stop' }
  | { type: 'resume' }
  | { type: 'export' };

export interface PriorInfo {
  name: string;
  description: string;
  latentSize: number;
}

/** Messages from the worker to the page. */
export type FromWorker =
  | {
      type: 'ready'; backend: { name: string; reason: string }; posteriors: string[]; priors: PriorInfo[];
      noising: { kind: string; description: string }[];
    }
  | { type: 'state'; state: RunState; message: string }
  | { type: 'start'; totalSteps: number; resumedAtStep: number; epochs: number; hasDensity: boolean }
  | { type: 'step'; step: number; totalSteps: number; terms: Record<string, number>; msPerStep: number }
  | { type: 'epoch'; epoch: number; train: Record<string, number>; test?: Record<string, number> }
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'export'; checkpoint: string; run: string; step: number }
  | { type: 'error'; message: string };

/** idle: nothing trained yet; stopped: a checkpoint to resume or export; done: every step ran. */
export type RunState = 'loading' | 'idle' | 'preparing' | 'training' | 'stopped' | 'done' | 'failed';
