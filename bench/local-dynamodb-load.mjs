// Entry of the load threads of local-dynamodb.bench.ts: registers the TypeScript loader (workers do not
// inherit tsx), then runs the benchmark module, which sees it is a load thread and sends its requests.
import { register } from 'tsx/esm/api';

register();
await import('./local-dynamodb.bench.ts');
