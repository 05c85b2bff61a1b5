import { z } from 'zod';

/**
 * Odoo's wire conventions, as the recorded wire shows them: an empty field is `false` (never null), a
 * many2one is an id (`read(load=None)`, what outgoing webhooks send) or `[id, display name]` (`read()` and
 * `search_read`), a one2many / many2many is a list of ids, datetimes are naive UTC `YYYY-MM-DD HH:MM:SS[.ffffff]`.
 */

/** A char/text/selection field: `false` means empty. */
export const odooText = z
  .union([z.string(), z.literal(false), z.null()])
  .optional()
  .transform((v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined));

export const odooNumber = z
  .union([z.number(), z.literal(false), z.null()])
  .optional()
  .transform((v) => (typeof v === 'number' ? v : undefined));

export const odooBool = z
  .union([z.boolean(), z.null()])
  .optional()
  .transform((v) => v === true);

export interface Many2One {
  readonly id: number;
  readonly name?: string;
}

/** A many2one in either of its wire forms; `false` is no value. */
export const odooMany2One = z
  .union([
    z.number().int().positive(),
    z.tuple([z.number().int().positive(), z.union([z.string(), z.literal(false)])]),
    z.literal(false),
    z.null(),
  ])
  .optional()
  .transform((v): Many2One | undefined => {
    if (typeof v === 'number') return { id: v };
    if (Array.isArray(v)) return typeof v[1] === 'string' ? { id: v[0], name: v[1] } : { id: v[0] };
    return undefined;
  });

const ODOO_DATETIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?$/;
const ODOO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Odoo datetime (naive UTC) or date to ISO-8601 with Z, milliseconds kept; undefined when not one. */
export function odooDateTimeToIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = ODOO_DATETIME.exec(value);
  if (m) {
    const millis = m[3] ? m[3].slice(0, 4).padEnd(4, '0') : '';
    return `${m[1]}T${m[2]}${millis}Z`;
  }
  if (ODOO_DATE.test(value)) return `${value}T00:00:00Z`;
  return undefined;
}

/** ISO date to Odoo's date field form (YYYY-MM-DD). */
export const toOdooDate = (d: Date): string => d.toISOString().slice(0, 10);

/** Date to Odoo's datetime wire form (naive UTC, seconds). */
export const toOdooDateTime = (d: Date): string => d.toISOString().slice(0, 19).replace('T', ' ');
