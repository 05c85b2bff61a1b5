import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The wire a real Odoo 17 and 19 sent and answered, recorded in the shared reference data. */
export const ODOO_WIRE_DIR = resolve(process.cwd(), '../shared/data/odoo-wire');

/**
 * Reads one recorded file. webhook_probe_results.json elides traceback paths as `File \"…", line N`
 * without escaping the closing quote, which makes it invalid JSON; that quote is re-escaped here and
 * nothing else is changed.
 */
export function readWire<T = Record<string, unknown>>(name: string): T {
  const text = readFileSync(resolve(ODOO_WIRE_DIR, name), 'utf8');
  return JSON.parse(text.replace(/…"(?=, line \d)/g, '…\\"')) as T;
}

/** Outgoing-webhook captures: one JSON request per line, body as a JSON string. */
export function readOutgoingCaptures(
  name: string,
): { path: string; headers: Record<string, string>; body: unknown }[] {
  return readFileSync(resolve(ODOO_WIRE_DIR, name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const request = JSON.parse(line) as { path: string; headers: Record<string, string>; body: string };
      return { ...request, body: JSON.parse(request.body) as unknown };
    });
}
