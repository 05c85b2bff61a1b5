import type { Command } from 'commander';

export function registerDocumentsCommands(_program: Command): void {}
