#!/usr/bin/env node
// Entry point of the `moec` command. In a source checkout (app/cli.ts present) it registers
// tsx so the TypeScript sources load directly, with no build step; in an installed package it runs
// the compiled CLI from dist/. Either way users' model files (TypeScript) are loaded through tsx by
// app/load-model.ts.
import { existsSync } from 'node:fs';

const source = new URL('../app/cli.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/app/cli.js');
}
