import '../local/polyfills.js';
import { Command, CommanderError } from 'commander';
import { registerAnalyticsCommands } from './commands/analytics.js';
import { registerApprovalsCommands } from './commands/approvals.js';
import { registerContractsCommands } from './commands/contracts.js';
import { registerDocumentsCommands } from './commands/documents.js';
import { registerEventsCommands } from './commands/events.js';
import { registerIdentityCommands } from './commands/identity.js';
import { registerLocalCommands } from './commands/local.js';
import { registerOdooCommands } from './commands/odoo.js';
import { registerRejectedCommands } from './commands/rejected.js';
import { registerReportCommands } from './commands/report.js';
import { registerSimulateCommands } from './commands/simulate.js';

const program = new Command('tessera')
  .description('Tessera: a unified customer view for omnichannel retail, on AWS or on this machine.')
  .showHelpAfterError()
  .exitOverride();

for (const register of [
  registerLocalCommands,
  registerSimulateCommands,
  registerContractsCommands,
  registerEventsCommands,
  registerRejectedCommands,
  registerIdentityCommands,
  registerAnalyticsCommands,
  registerDocumentsCommands,
  registerApprovalsCommands,
  registerOdooCommands,
  registerReportCommands,
]) {
  register(program);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  console.error(`tessera: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
