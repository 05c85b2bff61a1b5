import '../local/polyfills.js';
import { Command, CommanderError } from 'commander';

type Registrar = (program: Command) => void;

/**
 * Each top-level command and the module that registers it. Only the module of the command being run is
 * loaded, so `tessera contracts list` does not pay for OCR, CDK or the simulator, and a problem in one
 * area cannot stop the others. Help and unknown commands load them all.
 */
const COMMAND_MODULES: Readonly<Record<string, readonly (() => Promise<Registrar>)[]>> = {
  local: [async () => (await import('./commands/local.js')).registerLocalCommands],
  simulate: [async () => (await import('./commands/simulate.js')).registerSimulateCommands],
  contracts: [async () => (await import('./commands/contracts.js')).registerContractsCommands],
  events: [
    async () => (await import('./commands/events.js')).registerEventsCommands,
    async () => (await import('./commands/rejected.js')).registerRejectedCommands,
  ],
  identity: [async () => (await import('./commands/identity.js')).registerIdentityCommands],
  analytics: [async () => (await import('./commands/analytics.js')).registerAnalyticsCommands],
  documents: [async () => (await import('./commands/documents.js')).registerDocumentsCommands],
  approvals: [async () => (await import('./commands/approvals.js')).registerApprovalsCommands],
  odoo: [async () => (await import('./commands/odoo.js')).registerOdooCommands],
  report: [async () => (await import('./commands/report.js')).registerReportCommands],
};
/** Commands registered at the top level by another area's module. */
const ALIASES: Readonly<Record<string, string>> = { 'eval-identity': 'identity', 'eval-clv': 'analytics' };

const program = new Command('tessera')
  .description('Tessera: a unified customer view for omnichannel retail, on AWS or on this machine.')
  .showHelpAfterError()
  .exitOverride();

const requested = process.argv[2] ?? '';
const area = ALIASES[requested] ?? requested;
const loaders = COMMAND_MODULES[area] ?? Object.values(COMMAND_MODULES).flat();

try {
  for (const load of loaders) (await load())(program);
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  console.error(`tessera: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
