/// <reference lib="webworker" />
import { expose } from 'comlink';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { Lab } from './lab';
import { installErrorTransfer } from './protocol';
import { fetchAssetReader } from './assets';

installErrorTransfer();
// wasm runs threaded when the page is cross-origin isolated (vite.config.ts keeps the threaded
// build's pthread blob intact); without isolation tfjs falls back to the one-thread SIMD build.

const lab = new Lab({
  wasmPaths: {
    'tfjs-backend-wasm.wasm': wasmUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  },
  // The app's base URL (Vite's BASE_URL) resolved against the worker's origin.
  readAsset: fetchAssetReader(new URL(import.meta.env.BASE_URL, self.location.origin).href),
});

expose(lab);

/** The type the page sees through comlink's `wrap`. */
export type LabApi = Lab;
