import type { Command } from 'commander';

export function registerOdooCommands(_program: Command): void {}
