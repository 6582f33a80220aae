#!/usr/bin/env node
// Entry point of the `moec` command: registers tsx so the TypeScript sources (and users' model
// files) load directly, with no build step, then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../compiler/cli.ts');
