import type { Command } from 'commander';

export function registerApprovalsCommands(_program: Command): void {}
