import { defineConfig } from 'vite';

// The page imports the @ddvi packages as a user would: their built dist/ through the package
// exports (no @ddvi/source condition), so `pnpm --filter playground build` needs them built first
// (turbo's ^build does that).
export default defineConfig({
  // Relative asset URLs: the built page works from any folder or sub-path.
  base: './',
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // tfjs and its backends are large by nature; the worker chunk is loaded once.
    chunkSizeWarningLimit: 4000,
  },
  server: { port: 5173 },
  preview: { port: 4173 },
});
