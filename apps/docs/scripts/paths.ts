import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/docs: the VitePress project root (its srcDir). */
export const DOCS_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = join(DOCS_ROOT, '..', '..');

// Everything below is written by `scripts/generate.ts` on every build and is gitignored, so
// generated pages can never drift from the code they describe.
/** The API reference, one page per package (TypeDoc). */
export const API_DIR = join(DOCS_ROOT, 'api');
/** The model catalogue: an index and one page per registry entry. */
export const MODELS_DIR = join(DOCS_ROOT, 'models');
/** Markdown fragments that hand-written pages include (`<!--@include: …-->`). */
export const FRAGMENTS_DIR = join(DOCS_ROOT, 'generated');
/** The TensorFlow.js WASM binaries, served so the demos can fall back to WASM. */
export const WASM_DIR = join(DOCS_ROOT, 'public', 'wasm');
/** The bundled digits, packed for the browser. */
export const DATA_DIR = join(DOCS_ROOT, 'public', 'data');
/** The built site. */
export const SITE_DIR = join(DOCS_ROOT, '.vitepress', 'dist');

/** The packages documented in the API reference, in the order the sidebar lists them. */
export const PACKAGES = ['backend', 'layers', 'models', 'datasets', 'metrics', 'train'] as const;
