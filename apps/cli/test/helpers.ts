import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../src/main';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

class Sink extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Runs `ddvi <args>` in-process with captured, non-TTY output. */
export async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(args, { stdout, stderr, env });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A fresh temporary folder; `cleanup` removes it. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ddvi-cli-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  lines: number;
}

/**
 * Runs the built CLI (dist/bin.js; turbo builds it before this package's tests) in a child process on
 * the cpu backend; with `killAfterLines`, sends SIGKILL once that many lines of stdout have appeared.
 */
export function spawnCli(args: string[], killAfterLines?: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, DDVI_BACKEND: 'cpu' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let lines = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      lines = stdout.split('\n').length - 1;
      if (killAfterLines !== undefined && lines >= killAfterLines && child.exitCode === null) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, lines }));
  });
}
