import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { compileEventPattern, InvalidEventPatternError } from '../../local/event-bus/pattern/index.js';

/** Exit status for input the command cannot use (unreadable file, invalid JSON, invalid pattern). */
const EXIT_BAD_INPUT = 2;

export function registerEventsCommands(program: Command): void {
  const events = program.command('events').description('events and the event bus: test patterns');
  registerTestPatternCommand(events);
}

interface TestPatternOptions {
  readonly pattern: string;
  readonly event: string;
}

function registerTestPatternCommand(events: Command): void {
  events
    .command('test-pattern')
    .description(
      'print true or false: does the event match the EventBridge event pattern? (like `aws events test-event-pattern`)',
    )
    .requiredOption('--pattern <file>', 'JSON file with the event pattern')
    .requiredOption('--event <file>', 'JSON file with the event (an EventBridge envelope or any JSON object)')
    .addHelpText(
      'after',
      '\nExit status: 0 with true or false printed, 2 for an unreadable file or an invalid pattern.',
    )
    .action(async (options: TestPatternOptions) => {
      process.exitCode = await testPattern(options);
    });
}

async function testPattern(options: TestPatternOptions): Promise<number> {
  try {
    const pattern = await readJsonFile(options.pattern, 'pattern');
    const event = await readJsonFile(options.event, 'event');
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      throw new BadInput(`event file ${options.event} must hold a JSON object`);
    }
    console.log(String(compileEventPattern(pattern).matches(event)));
    return 0;
  } catch (error) {
    if (error instanceof BadInput || error instanceof InvalidEventPatternError) {
      console.error(error instanceof InvalidEventPatternError ? error.message : `tessera: ${error.message}`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
}

/** Input the user has to fix; reported on stderr with exit status 2. */
class BadInput extends Error {}

async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new BadInput(`cannot read ${what} file ${file}: ${describeFsError(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadInput(`${what} file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

const FS_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code && FS_ERRORS[code]) ?? (error instanceof Error ? error.message : String(error));
}
