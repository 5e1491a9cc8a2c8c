import { registerAvgPoolGradientFix } from './avg-pool-grad';
import { registerDilationGradients } from './gradients';
import { registerWasmTrainingKernels } from './training-kernels';

let installed = false;

/**
 * Makes every backend able to train every op the lab uses: adds wasm's missing backprop kernels,
 * dilated-conv gradients and a correct 'same'-padded AvgPool gradient. Call once at start-up (worker, CLI); later calls do nothing.
 */
export function installTrainingSupport(): void {
  if (installed) return;
  registerWasmTrainingKernels();
  registerDilationGradients();
  registerAvgPoolGradientFix();
  installed = true;
}
