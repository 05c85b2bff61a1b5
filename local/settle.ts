import type { LocalRuntime } from './runtime.js';
import { decidePendingApprovals } from './stepfunctions/auto-approver.js';

export interface SettleResult {
  /** Approvals decided by the unattended approver. */
  readonly autoDecided: number;
  /** Executions still waiting for a person when the run settled. */
  readonly waitingForPeople: number;
}

/**
 * Runs the local system until nothing moves: the bus has delivered everything, every workflow has either
 * ended or waits for a person, and (with `autoApprove`) every pending approval was decided through the real
 * approval page. Deliveries start workflows and workflows publish events, so this loops until quiet.
 */
export async function settle(
  runtime: LocalRuntime,
  options: { autoApprove: boolean },
): Promise<SettleResult> {
  let autoDecided = 0;
  for (;;) {
    await runtime.bus.drain();
    await runningWorkflowsIdle(runtime);
    const decided = options.autoApprove
      ? await decidePendingApprovals({ store: runtime.interventions.store })
      : 0;
    autoDecided += decided;
    await runningWorkflowsIdle(runtime);
    const busQuiet = runtime.bus.isIdle();
    if (decided === 0 && busQuiet) break;
  }
  return { autoDecided, waitingForPeople: runtime.interventions.stepFunctions.waitingTasks().length };
}

/** Waits until every running execution is parked on a task token (or has ended). */
async function runningWorkflowsIdle(runtime: LocalRuntime): Promise<void> {
  const sfn = runtime.interventions.stepFunctions;
  for (;;) {
    const waiting = new Set(sfn.waitingTasks().map((t) => t.executionArn));
    const running = sfn
      .listExecutions()
      .filter((e) => e.status === 'RUNNING' && !waiting.has(e.executionArn));
    if (running.length === 0) return;
    await Promise.race([Promise.all(running.map((e) => e.done)), new Promise((r) => setTimeout(r, 50))]);
  }
}
