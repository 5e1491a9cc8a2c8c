/// <reference lib="webworker" />
import { expose } from 'comlink';
import * as tf from '@tensorflow/tfjs';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { Lab } from './lab';
import { installErrorTransfer } from './protocol';
import { fetchAssetReader } from './assets';

installErrorTransfer();
// The threaded wasm build starts its pthread workers from a blob that breaks once bundled
// ("e is not defined") and then never initialises; the single-threaded SIMD build works.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

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
