import * as tf from '@tensorflow/tfjs';
import type { AdapterInfo, BackendName } from '../types';

/** Names software rasterisers give themselves in adapter and renderer strings. */
const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render driver/i;

export function looksLikeSoftware(text: string): boolean {
  return SOFTWARE_NAMES.test(text);
}

/** The unmasked renderer string of the active webgl backend's context, '' when it cannot be read. */
function webglRenderer(): string {
  type Gl = { getExtension(name: string): { UNMASKED_RENDERER_WEBGL: number } | null; getParameter(p: number): unknown; RENDERER: number };
  const gl = (tf.backend() as unknown as { gpgpu?: { gl?: Gl } }).gpgpu?.gl;
  if (!gl) return '';
  try {
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
  } catch {
    return '';
  }
}

/** Whether the active GPU backend runs on a software adapter; false for wasm and cpu. */
export function isSoftwareGpu(backend: BackendName, adapter: AdapterInfo | null): boolean {
  if (backend === 'webgpu') return Boolean(adapter && (adapter.isFallbackAdapter || looksLikeSoftware(`${adapter.vendor} ${adapter.architecture} ${adapter.description}`)));
  if (backend === 'webgl') return looksLikeSoftware(webglRenderer());
  return false;
}
