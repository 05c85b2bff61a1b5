import type { Command } from 'commander';

export function registerSimulateCommands(_program: Command): void {}
