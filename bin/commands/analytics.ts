import type { Command } from 'commander';

export function registerAnalyticsCommands(_program: Command): void {}
