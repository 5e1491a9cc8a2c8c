import { configDefaults, defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { paraglideVitePlugin } from '@inlang/paraglide-js';

// Cross-origin isolation lets tfjs-backend-wasm use threads (SharedArrayBuffer).
// Everything the lab loads is same-origin, so require-corp costs nothing.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Offline after the first visit: the service worker (src/sw/sw.ts) precaches everything the
 * lesson loads. The datasets (7.5 MiB) and the tfjs worker chunk are far above Workbox's 2 MiB
 * default, hence the larger limit. Registered in production builds only (src/ui/state/offline.svelte.ts).
 */
const serviceWorker = VitePWA({
  strategies: 'injectManifest',
  srcDir: 'src/sw',
  filename: 'sw.ts',
  registerType: 'prompt',
  injectRegister: false,
  manifest: false,
  injectManifest: {
    globPatterns: ['**/*.{html,js,css,wasm,json,bin,idx,svg,png,ico}'],
    maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
  },
  devOptions: { enabled: false },
});

/**
 * How the message catalogue (messages/en.json, messages/ja.json) compiles to typed message
 * functions in src/paraglide (generated, git-ignored): for dev, build and Vitest through the
 * plugin, and for svelte-check through `npm run i18n` (scripts/compile-messages.ts), which does
 * not run Vite. The locale comes from src/ui/i18n/locale.svelte.ts through overwriteGetLocale,
 * so the runtime needs only the global-variable strategy with English as the fallback.
 */
export const PARAGLIDE_OPTIONS = {
  project: './project.inlang',
  outdir: './src/paraglide',
  strategy: ['globalVariable', 'baseLocale'] as ('globalVariable' | 'baseLocale')[],
  emitTsDeclarations: true,
};

/** Svelte component tests (jsdom); each file also says `// @vitest-environment jsdom`. */
const COMPONENT_TESTS = 'tests/unit/ui/**/*.dom.test.ts';

export default defineConfig({
  plugins: [svelte(), paraglideVitePlugin(PARAGLIDE_OPTIONS), serviceWorker],
  worker: {
    format: 'es',
    // tfjs-backend-wasm starts its pthread workers from `factory.toString()`. Oxc's compressor
    // turns `typeof _scriptDir !== "undefined" && _scriptDir` in that factory into a bare
    // reference to a variable that does not exist inside the blob ("e is not defined"), so the
    // worker bundle is mangled and stripped of whitespace but not compressed (tfjs-backend-wasm
    // README, "JS Minification"; tfjs issues #4253, #4539).
    rolldownOptions: { output: { minify: { compress: false, mangle: true, codegen: true } } },
  },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders, port: 4173, strictPort: false },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Component tests render Svelte in jsdom, which needs Svelte's browser build; the rest stays on Node.
    projects: [
      { extends: true, test: { name: 'node', include: ['tests/unit/**/*.test.ts'], exclude: [...configDefaults.exclude, COMPONENT_TESTS] } },
      { extends: true, resolve: { conditions: ['browser'] }, test: { name: 'dom', include: [COMPONENT_TESTS], environment: 'jsdom' } },
    ],
  },
});
