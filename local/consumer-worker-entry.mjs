// Entry of the runtime's consumer worker thread: registers the TypeScript loader (as bin/tessera.mjs does)
// whatever loader the parent runs under (the tsx CLI, vitest), then runs the worker.
import { register } from 'tsx/esm/api';

register();
await import('./consumer-worker-main.ts');
