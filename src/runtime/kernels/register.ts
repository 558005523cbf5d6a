/**
 * Kernels gclip adds to tfjs backends that lack them.
 */
import { tf } from '../tf.js';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter.js';
import { depthwiseBackpropWasmConfigs } from './depthwise-backprop.js';
import { unsortedSegmentSumWasmConfig } from './unsorted-segment-sum.js';

/**
 * Registers gclip's wasm kernels (`Conv2DBackpropFilter`, `UnsortedSegmentSum`,
 * `DepthwiseConv2dNativeBackpropFilter`, `DepthwiseConv2dNativeBackpropInput`) unless the backend
 * already has one of that name, so a future tfjs-backend-wasm that ships its own wins.
 * Idempotent; call it after `@tensorflow/tfjs-backend-wasm` has been imported.
 * Returns the names of the kernels it registered in this call.
 */
export function registerWasmKernels(): string[] {
  const added: string[] = [];
  for (const config of [conv2dBackpropFilterWasmConfig, unsortedSegmentSumWasmConfig, ...depthwiseBackpropWasmConfigs]) {
    if (tf.getKernel(config.kernelName, config.backendName)) continue;
    tf.registerKernel(config);
    added.push(config.kernelName);
  }
  return added;
}
