/**
 * `npm run test:fast`: the edit-test subset — every test that needs no WebGPU adapter, no
 * Chromium, no CLI child process and no multi-step training run (the reference interpreter,
 * shape rules, passes, autodiff by finite differences, plans on the CPU executor, the Monte-Carlo
 * and KS checks). `npm test` stays the whole suite.
 */
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        'test/backend/**', // WebGPU kernels, plans and GPU training
        'test/multi-device/webgpu.test.ts',
        'test/multi-device/train.test.ts', // 10-step training runs on simulated devices
        'test/multi-device/session.test.ts',
        'test/multi-device/cli.test.ts',
        'test/report/**', // headless Chromium
        'test/browser/page.test.ts', // headless Chromium, WebGPU training in the page
        'test/cli/**', // moec child processes, CLI training runs
        'test/bench/**',
        'test/train/**', // multi-step training runs
        'test/session/**',
        'test/checkpoint/**',
        'test/examples/**',
        'test/faults/**',
        'node_modules/**',
      ],
    },
  }),
);
