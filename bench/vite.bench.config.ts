/** Builds the bench page (bench/browser) with the app's public/ folder (demo models, data) and COOP/COEP. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));
// Cross-origin isolation lets tfjs-backend-wasm use threads, as in the app's vite.config.ts.
const isolationHeaders = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: at('./browser'),
  publicDir: at('../public'),
  // As in vite.config.ts: an uncompressed (still mangled) worker keeps tfjs-wasm's pthread blob working.
  worker: { format: 'es', rolldownOptions: { output: { minify: { compress: false, mangle: true, codegen: true } } } },
  preview: { headers: isolationHeaders },
  build: { outDir: at('../bench-results/site'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 8192, reportCompressedSize: false },
  logLevel: 'warn',
});
