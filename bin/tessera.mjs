#!/usr/bin/env node
// Runs the TypeScript command-line tool without a build step (tsx ships esbuild's prebuilt binary).
import { register } from 'tsx/esm/api';

register();
await import('./tessera.ts');
