import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitepress';
import type { DefaultTheme } from 'vitepress';

// TypeDoc (typedoc.json) writes the API reference and its sidebar into api/ before VitePress runs.
const apiSidebarFile = fileURLToPath(new URL('../api/typedoc-sidebar.json', import.meta.url));
const apiSidebar: DefaultTheme.SidebarItem[] = existsSync(apiSidebarFile) ? JSON.parse(readFileSync(apiSidebarFile, 'utf8')) : [];

const guides: DefaultTheme.SidebarItem = {
  text: 'Guides',
  items: [
    { text: 'Sample a pinwheel with @ddvi/distributions', link: '/guides/sample-a-pinwheel' },
    { text: 'Train a VAE, then swap its posterior', link: '/guides/swap-the-posterior' },
    { text: 'Run the benchmark and read it', link: '/guides/run-the-benchmark' },
    { text: 'Write a posterior family', link: '/guides/write-a-posterior-family' },
    { text: 'Write a noising process', link: '/guides/write-a-noising-process' },
  ],
};

const concepts: DefaultTheme.SidebarItem = {
  text: 'Concepts and design',
  items: [
    { text: 'Architecture', link: '/architecture' },
    { text: 'Backends', link: '/backends' },
    { text: 'DDVI', link: '/ddvi' },
    { text: 'Flow posteriors', link: '/flows' },
    { text: 'Semi-supervised', link: '/semi-supervised' },
    { text: 'Noising processes', link: '/noising' },
    { text: 'Genotypes', link: '/genotypes' },
    { text: 'The reference protocol', link: '/reference-protocol' },
    { text: 'CIFAR-10', link: '/cifar' },
    { text: 'tfjs traps', link: '/tfjs-traps' },
  ],
};

export default defineConfig({
  title: 'ddvi',
  description: 'Denoising diffusion variational inference and its baselines on TensorFlow.js',
  cleanUrls: true,
  // The per-package READMEs and the example family's README are read on npm and GitHub, not here.
  // TypeDoc copies the repository pages that doc comments link to into api/_media; the site has them already.
  srcExclude: ['guides/examples/**', 'test/**', 'README.md', 'api/_media/**'],
  // Pages link to the repository's sources (../packages/...), which are not part of the site.
  ignoreDeadLinks: [/^\.\.\/(packages|apps|tests|scripts)\//, /^\.\.\/\.\.\//, /_media\//],
  themeConfig: {
    nav: [
      { text: 'Guides', link: '/guides/sample-a-pinwheel' },
      { text: 'Concepts', link: '/architecture' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: {
      '/api/': [{ text: 'API reference', link: '/api/', items: apiSidebar }],
      '/': [guides, concepts, { text: 'API reference', link: '/api/' }],
    },
    search: { provider: 'local' },
    outline: 'deep',
  },
});
