import { existsSync } from 'node:fs';
import { type LocalRuntime, startLocalRuntime } from '../local/runtime.js';

/**
 * Opens the local state for one command (the same DynamoDB files and bus as `tessera local`), runs the
 * command, lets the bus deliver what it published, and closes. The state folder is locked while open, so
 * a running `tessera local` must be stopped first (the runtime says so).
 */
export async function withLocalRuntime<T>(
  stateDir: string,
  run: (runtime: LocalRuntime) => Promise<T>,
): Promise<T> {
  if (!existsSync(stateDir)) {
    throw new Error(
      `no local state in ${stateDir}: run \`npm start\` (tessera local) first, or pass --state-dir`,
    );
  }
  let runtime: LocalRuntime;
  try {
    runtime = await startLocalRuntime({ stateDir, port: 0 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/lock/i.test(message)) {
      throw new Error(
        `the local state in ${stateDir} is in use by a running \`tessera local\`; stop it (Ctrl-C) and retry`,
      );
    }
    throw error;
  }
  try {
    return await run(runtime);
  } finally {
    await runtime.stop();
  }
}
