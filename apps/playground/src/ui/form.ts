import { BACKEND_CHOICES } from '../backend_choice';
import { DATASETS, DEFAULT_RAW } from '../settings';
import type { RawSettings, SettingsContext, SettingsField } from '../settings';

interface FieldSpec {
  field: SettingsField;
  label: string;
  hint?: string;
  /** Options of a select; undefined: a text input (or a textarea when `multiline`). */
  options?: (context: FormContext) => { value: string; label: string }[];
  multiline?: boolean;
}

/** What the form lists: the worker's registries, plus the noising processes for the config hint. */
export interface FormContext extends SettingsContext {
  priorDescriptions: Record<string, string>;
  noising: { kind: string; description: string }[];
}

const FIELDS: FieldSpec[] = [
  { field: 'prior', label: 'Prior', options: (c) => c.priors.map((p) => ({ value: p.name, label: `${p.name} — ${c.priorDescriptions[p.name] ?? ''}` })) },
  { field: 'posterior', label: 'Posterior family', options: (c) => c.posteriors.map((p) => ({ value: p, label: p })) },
  {
    field: 'dataset', label: 'Dataset', hint: 'toy: 64-D data generated from the prior\'s samples (5,000 / 1,000); mnist: a 5,000 / 1,000 image subset',
    options: () => DATASETS.map((d) => ({ value: d, label: d })),
  },
  { field: 'learningRate', label: 'Learning rate', hint: 'Adam step size, in (0, 1]' },
  { field: 'latentSize', label: 'Latent size', hint: 'the paper\'s priors are 2-D' },
  { field: 'steps', label: 'Steps', hint: 'optimizer steps, spread over whole epochs' },
  { field: 'batchSize', label: 'Batch size' },
  { field: 'hidden', label: 'Hidden widths', hint: 'decoder and encoder layers, e.g. 64, 64 (the paper: 1000, 1000)' },
  { field: 'seed', label: 'Seed' },
  { field: 'posteriorConfig', label: 'Posterior config (JSON, optional)', multiline: true },
  { field: 'backend', label: 'Backend', hint: 'auto: WebGPU, else WebGL, else WASM', options: () => BACKEND_CHOICES.map((b) => ({ value: b, label: b })) },
];

/** Builds the form's fields into `container` (ids `field-<name>`, messages `error-<name>`). */
export function renderFields(container: HTMLElement, context: FormContext, values: RawSettings = DEFAULT_RAW): void {
  container.replaceChildren();
  for (const spec of FIELDS) {
    const wrap = document.createElement('div');
    wrap.className = 'field';
    const id = `field-${spec.field}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = spec.label;
    let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    if (spec.options) {
      const select = document.createElement('select');
      for (const o of spec.options(context)) select.add(new Option(o.label, o.value));
      input = select;
    } else if (spec.multiline) {
      input = document.createElement('textarea');
      input.rows = 2;
      input.placeholder = '{"noising": {"kind": "linear", "T": 5}}';
    } else {
      input = document.createElement('input');
      input.type = 'text';
      input.inputMode = spec.field === 'hidden' ? 'text' : 'decimal';
    }
    input.id = id;
    input.name = spec.field;
    input.value = values[spec.field];
    const error = document.createElement('p');
    error.className = 'error';
    error.id = `error-${spec.field}`;
    error.hidden = true;
    input.setAttribute('aria-describedby', error.id);
    wrap.append(label, input);
    const hint = spec.field === 'posteriorConfig' ? configHint(context) : spec.hint;
    if (hint) {
      const h = document.createElement('span');
      h.className = 'hint';
      h.textContent = hint;
      wrap.append(h);
    }
    wrap.append(error);
    container.append(wrap);
  }
}

function configHint(context: FormContext): string {
  return `family options, as ddvi train --posterior-config takes them; DDVI's noising kinds: ${context.noising.map((n) => n.kind).join(', ')}`;
}

export function readFields(form: HTMLFormElement): RawSettings {
  const data = new FormData(form);
  const raw = { ...DEFAULT_RAW };
  for (const key of Object.keys(raw) as SettingsField[]) raw[key] = String(data.get(key) ?? '');
  return raw;
}

/** Shows one inline message per bad field (and clears the others); returns how many were shown. */
export function showErrors(form: HTMLFormElement, errors: Partial<Record<SettingsField, string>>): number {
  let shown = 0;
  for (const spec of FIELDS) {
    const message = errors[spec.field];
    const el = form.querySelector<HTMLElement>(`#error-${spec.field}`);
    const input = form.querySelector<HTMLElement>(`#field-${spec.field}`);
    if (!el || !input) continue;
    el.textContent = message ?? '';
    el.hidden = message === undefined;
    input.setAttribute('aria-invalid', String(message !== undefined));
    if (message !== undefined) shown++;
  }
  return shown;
}
