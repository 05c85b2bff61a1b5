import type { Command } from 'commander';

export function registerLocalCommands(_program: Command): void {}
