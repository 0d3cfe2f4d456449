import './style.css';
import { BACKEND_CHOICES } from './backend_choice';
import type { BackendChoice } from './backend_choice';
import { LossCharts } from './charts/loss';
import { drawSamples } from './charts/samples';
import { drawScatter } from './charts/scatter';
import type { FromWorker, RunState, ToWorker } from './protocol';
import { DEFAULT_RAW, validateSettings } from './settings';
import type { PlaygroundSettings } from './settings';
import { downloadText } from './ui/download';
import { readFields, renderFields, showErrors } from './ui/form';
import type { FormContext } from './ui/form';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('settings');
const fields = $<HTMLFieldSetElement>('fields');
const buttons = { train: $<HTMLButtonElement>('train'), stop: $<HTMLButtonElement>('stop'), resume: $<HTMLButtonElement>('resume'), export: $<HTMLButtonElement>('export') };
const scatter = $<HTMLCanvasElement>('scatter');
const samples = $<HTMLCanvasElement>('samples');
const losses = new LossCharts($('losses'));
const formError = $<HTMLParagraphElement>('form-error');

/** Where the static assets (tfjs wasm binaries, MNIST subset) live: beside the page, whatever its base path. */
const assetBase = new URL(import.meta.env.BASE_URL, document.baseURI).href;

let worker: Worker | undefined;
let workerBackend: BackendChoice | undefined;
let context: FormContext | undefined;
/** A run asked for while the worker for its backend was starting. */
let queued: PlaygroundSettings | undefined;
let state: RunState = 'loading';

function startWorker(backend: BackendChoice): void {
  worker?.terminate();
  setState('loading', `starting the ${backend} backend`);
  worker = new Worker(new URL('./worker/worker.ts', import.meta.url), { type: 'module', name: 'ddvi-trainer' });
  workerBackend = backend;
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  worker.onerror = (e) => showFormError(`the training worker failed: ${e.message}`);
  send({ type: 'init', backend, assetBase });
}

function send(m: ToWorker): void {
  worker?.postMessage(m);
}

function onMessage(m: FromWorker): void {
  switch (m.type) {
    case 'ready': {
      $('backend').textContent = `backend: ${m.backend.name} — ${m.backend.reason}`;
      $('backend').dataset.backend = m.backend.name;
      const values = context ? readFields(form) : { ...DEFAULT_RAW, backend: workerBackend ?? DEFAULT_RAW.backend };
      context = {
        posteriors: m.posteriors, priors: m.priors, noising: m.noising,
        priorDescriptions: Object.fromEntries(m.priors.map((p) => [p.name, p.description])),
      };
      renderFields(fields, context, values);
      fields.disabled = false;
      if (queued) {
        const settings = queued;
        queued = undefined;
        beginRun(settings);
      }
      return;
    }
    case 'state':
      setState(m.state, m.message);
      return;
    case 'start':
      $('progress').textContent = `· step ${m.resumedAtStep} / ${m.totalSteps}`;
      return;
    case 'step':
      losses.add(m.step, m.terms);
      $('progress').textContent = `· step ${m.step} / ${m.totalSteps} · ${m.msPerStep.toFixed(0)} ms/step`;
      summarizeLoss();
      return;
    case 'epoch':
      return;
    case 'snapshot': {
      const s = m.snapshot;
      drawScatter(scatter, { step: s.step, latents: s.latents, prior: s.prior, labels: s.labels, numClasses: s.numClasses, extent: s.grid.extent });
      drawSamples(samples, s.grid);
      return;
    }
    case 'export':
      downloadText(`checkpoint-step${m.step}.json`, m.checkpoint);
      downloadText('run.json', m.run);
      return;
    case 'error':
      showFormError(m.message);
      return;
  }
}

/** Mean of the first and last ten loss values: the page's (and the end-to-end test's) summary of progress. */
function summarizeLoss(): void {
  const v = losses.values('loss');
  if (v.length === 0) return;
  const k = Math.min(10, v.length);
  const mean = (a: readonly number[]) => a.reduce((s, x) => s + x, 0) / a.length;
  const first = mean(v.slice(0, k));
  const last = mean(v.slice(-k));
  const out = $<HTMLOutputElement>('loss-summary');
  out.textContent = `loss: first ${k} steps ${first.toFixed(3)} → last ${k} steps ${last.toFixed(3)}`;
  Object.assign(out.dataset, { first: String(first), last: String(last), count: String(v.length) });
}

function setState(next: RunState, message: string): void {
  state = next;
  const el = $('state');
  el.textContent = message;
  el.dataset.state = next;
  const busy = next === 'training' || next === 'preparing';
  buttons.train.disabled = next === 'loading' || !context;
  buttons.stop.disabled = !busy;
  buttons.resume.disabled = next !== 'stopped';
  buttons.export.disabled = next !== 'stopped' && next !== 'done';
}

function showFormError(message: string): void {
  formError.textContent = message;
  formError.hidden = false;
}

function beginRun(settings: PlaygroundSettings): void {
  if (settings.backend !== workerBackend) {
    queued = settings;
    startWorker(settings.backend);
    return;
  }
  losses.clear();
  $('loss-summary').textContent = '';
  $('progress').textContent = '';
  send({ type: 'train', settings });
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  formError.hidden = true;
  if (!context) return;
  const result = validateSettings(readFields(form), context);
  if (!result.ok) {
    showErrors(form, result.errors);
    return;
  }
  showErrors(form, {});
  beginRun(result.settings);
});
buttons.stop.addEventListener('click', () => send({ type: 'stop' }));
buttons.resume.addEventListener('click', () => {
  const at = Number($('progress').textContent?.match(/step (\d+)/)?.[1] ?? 0);
  losses.truncate(at);
  send({ type: 'resume' });
});
buttons.export.addEventListener('click', () => send({ type: 'export' }));
window.addEventListener('unhandledrejection', (e) => showFormError(String((e.reason as Error)?.message ?? e.reason)));

for (const canvas of [scatter, samples]) {
  const ctx = canvas.getContext('2d');
  if (!ctx) continue;
  ctx.fillStyle = '#6a7080';
  ctx.font = '14px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.fillText('Choose the settings and press Train', canvas.width / 2, canvas.height / 2);
}

const requested = new URLSearchParams(location.search).get('backend');
startWorker((BACKEND_CHOICES as readonly string[]).includes(requested ?? '') ? (requested as BackendChoice) : 'auto');

/** For scripted checks (the end-to-end test): the run state without parsing text. */
Object.defineProperty(window, 'ddviPlayground', { value: { state: () => state } });
