import { execFile } from 'node:child_process';

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs a command without a shell; rejects with its output when it exits non-zero. */
export function run(command: string, args: string[], options: RunOptions): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs ?? 240_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          const shown = [command, ...args].map((a) => (a.length > 200 ? `${a.slice(0, 200)}...` : a)).join(' ');
          reject(new Error(`${shown} (in ${options.cwd}) failed: ${error.message}\n${stdout}\n${stderr}`.trim()));
        } else resolvePromise(stdout);
      },
    );
  });
}

/** At most `n` of the returned function's tasks run at once. */
export function limit(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await task();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

const KEPT_NPM_SETTINGS = /^npm_config_(registry|cache|userconfig|cafile|proxy|https_proxy|noproxy|strict_ssl|@[^:]+:registry)$/i;

/**
 * The environment of a stranger's shell: without the npm_* / pnpm_* variables that pnpm, npx and
 * turbo set for their own scripts (npm_config_local_prefix alone would make npm install into the
 * workspace), without NODE_OPTIONS and the test runner's variables. Registry, cache and proxy
 * settings stay.
 */
export function strangerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_)/i.test(key) && !KEPT_NPM_SETTINGS.test(key)) continue;
    if (/^(NODE_OPTIONS|NODE_ENV|VITEST.*|TURBO_.*|INIT_CWD)$/.test(key)) continue;
    env[key] = value;
  }
  return env;
}
