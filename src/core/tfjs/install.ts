import { registerDilationGradients } from './gradients';
import { registerWasmTrainingKernels } from './training-kernels';

let installed = false;

/**
 * Makes every backend able to train every op the lab uses: adds wasm's missing backprop kernels
 * and dilated-conv gradients. Call once at start-up (worker, CLI); later calls do nothing.
 */
export function installTrainingSupport(): void {
  if (installed) return;
  registerWasmTrainingKernels();
  registerDilationGradients();
  installed = true;
}
