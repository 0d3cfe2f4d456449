import { main } from './main';

// The `ddvi` executable (tsup adds the #!/usr/bin/env node line).
process.once('SIGINT', () => {
  // The progress bar hides the cursor; give it back. Checkpoints are written atomically, so the
  // last one on disk is whole.
  if (process.stdout.isTTY) process.stdout.write('\x1b[?25h\n');
  process.stderr.write('interrupted; the last checkpoint written is kept (continue with ddvi train --resume and the same flags)\n');
  process.exit(130);
});

// Output piped into a reader that stops early (`ddvi train --help | head`): stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
