import type { Command } from 'commander';

export function registerIdentityCommands(_program: Command): void {}
