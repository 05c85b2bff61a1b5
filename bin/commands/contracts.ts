import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CONTRACTS, contractJsonSchema } from '../../lambdas/core/contracts/index.js';

export function registerContractsCommands(program: Command): void {
  const contracts = program
    .command('contracts')
    .description('the event contracts shared with channel systems');
  contracts
    .command('export')
    .description('write every event contract as JSON Schema (one file per detail-type and version)')
    .argument('<dir>', 'directory to write into (created if missing)')
    .action(async (dir: string) => {
      const target = resolve(dir);
      await mkdir(target, { recursive: true });
      for (const entry of Object.values(CONTRACTS)) {
        const file = join(target, `${entry.detailType}.v${entry.version}.schema.json`);
        await writeFile(file, `${JSON.stringify(contractJsonSchema(entry), null, 2)}\n`);
      }
      console.log(`wrote ${Object.keys(CONTRACTS).length} JSON Schemas to ${target}`);
    });
  contracts
    .command('list')
    .description('list the event contracts')
    .action(() => {
      for (const entry of Object.values(CONTRACTS)) {
        console.log(
          `${entry.kind.padEnd(8)} ${`${entry.detailType} v${entry.version}`.padEnd(34)} ${entry.description}`,
        );
      }
    });
}
