import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DefaultTheme, defineConfig } from 'vitepress';
import { ISOLATION_HEADERS, isolationScript } from './cross-origin-isolation.js';

const DOCS_ROOT = fileURLToPath(new URL('..', import.meta.url));
const BASE = process.env.DOCS_BASE ?? '/';

/** A sidebar that `scripts/generate.ts` wrote; the site cannot build without the generated pages. */
function generatedSidebar(file: string): DefaultTheme.SidebarItem[] {
  try {
    return JSON.parse(readFileSync(join(DOCS_ROOT, file), 'utf8'));
  } catch {
    throw new Error(
      `${file} is missing: run \`pnpm --filter docs generate\` (build and dev run it for you).`,
    );
  }
}

const guide: DefaultTheme.SidebarItem[] = [
  {
    text: 'Guide',
    items: [
      { text: 'Getting started', link: '/guide/getting-started' },
      { text: 'Residual connections explained', link: '/guide/residual-connections' },
      { text: 'Datasets', link: '/guide/datasets' },
      { text: 'Training recipes', link: '/guide/training' },
      { text: 'Language models', link: '/guide/language-models' },
      { text: 'Pretrained weights', link: '/guide/pretrained-weights' },
      { text: 'Residual connections in transformers', link: '/guide/residual-transformers' },
      { text: 'Backends and performance', link: '/guide/performance' },
      { text: 'Thousands of layers', link: '/guide/thousands-of-layers' },
      { text: 'Semantic segmentation', link: '/guide/segmentation' },
      { text: 'Command line', link: '/guide/cli' },
      { text: 'Contributing to a package', link: '/guide/contributing' },
    ],
  },
  {
    text: 'Live demos',
    items: [
      { text: 'Plain vs residual', link: '/demos/plain-vs-residual' },
      { text: 'Model explorer', link: '/demos/model-explorer' },
      { text: 'A character GPT learns Moby-Dick', link: '/demos/char-model' },
      { text: 'Segmentation, live', link: '/demos/segmentation' },
    ],
  },
];

export default defineConfig({
  title: 'Residual',
  description:
    'Residual networks on TensorFlow.js: build, train, evaluate and understand ResNets in Node.js and the browser.',
  base: BASE,
  srcExclude: ['README.md', 'generated/**', 'test/**', 'artifacts/**', 'scripts/**', 'src/**'],
  lastUpdated: false,
  head: [
    ['link', { rel: 'icon', href: `${BASE}logo.svg` }],
    ['script', {}, isolationScript(BASE)],
  ],
  themeConfig: {
    logo: '/logo.svg',
    nav: [
      { text: 'Guide', link: '/guide/getting-started', activeMatch: '/guide/' },
      { text: 'Demos', link: '/demos/plain-vs-residual', activeMatch: '/demos/' },
      { text: 'Models', link: '/models/', activeMatch: '/models/' },
      { text: 'API', link: '/api/', activeMatch: '/api/' },
    ],
    sidebar: {
      '/guide/': guide,
      '/demos/': guide,
      '/models/': [
        { text: 'Model catalogue', link: '/models/' },
        ...generatedSidebar('generated/models-sidebar.json'),
      ],
      '/api/': [
        {
          text: 'API reference',
          link: '/api/',
          items: generatedSidebar('api/typedoc-sidebar.json'),
        },
      ],
    },
    outline: [2, 3],
    search: { provider: 'local' },
    footer: {
      message: 'MIT licensed. Generated pages are rebuilt from the code on every build.',
    },
  },
  vite: {
    // Cross-origin isolated, as the demos want it: threaded WASM (see cross-origin-isolation.ts).
    // `vitepress preview` serves with its own server, which sends no headers: there, as on
    // GitHub Pages, the service worker isolates the pages.
    server: { headers: ISOLATION_HEADERS },
    // One copy of TensorFlow.js: two copies split its kernel and class registries.
    resolve: {
      dedupe: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'],
    },
    build: {
      // TensorFlow.js is large; the demos load it on demand, in its own chunk.
      chunkSizeWarningLimit: 4000,
      rollupOptions: {
        onwarn(warning, warn) {
          // Our packages import Node.js modules lazily, inside the Node-only functions
          // (loadDigits, readIdxFile, saveModel), which the pages never call.
          if (/externalized for browser compatibility/.test(warning.message)) return;
          warn(warning);
        },
      },
    },
  },
});
