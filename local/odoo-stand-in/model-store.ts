import { buildModels, type FieldDef, type ModelDef, type ModelOptions } from './models.js';

/** An exception as Odoo reports it: its Python class name and message. */
export class OdooException extends Error {
  constructor(
    readonly odooName: string,
    message: string,
  ) {
    super(message);
  }
}

export type Row = Record<string, unknown> & { id: number };

export interface UserRecord {
  readonly uid: number;
  readonly login: string;
  readonly name: string;
  readonly apiKey: string;
  /** `model:operation` pairs this user may not do (operation: read, write, create, unlink). */
  readonly denied?: readonly string[];
}

const ACCESS_GROUPS = '\n\nThis operation is allowed for the following groups:\n\t- Administration/Settings';

/**
 * In-memory records of the modelled Odoo models, with Odoo's search-domain semantics (the operators
 * Tessera uses), many2many commands, `active_test`, required fields and access rules.
 */
export class ModelStore {
  readonly models: Map<string, ModelDef>;
  private tables = new Map<string, Map<number, Row>>();
  private nextId = new Map<string, number>();
  private clock: () => Date;
  private undo: Map<string, Map<number, Row | undefined>> | undefined;

  constructor(options: ModelOptions, clock: () => Date = () => new Date()) {
    this.models = buildModels(options);
    this.clock = clock;
    for (const name of this.models.keys()) this.tables.set(name, new Map());
  }

  model(name: string): ModelDef {
    const def = this.models.get(name);
    if (!def) throw new OdooException('odoo.exceptions.UserError', `Object ${name} doesn't exist`);
    return def;
  }

  /** Runs `work` all or nothing, as Odoo's request transaction does: an exception rolls every write back. */
  transaction<T>(work: () => T): T {
    // A nested call is part of the transaction already open.
    if (this.undo) return work();
    // An undo log of the rows the work touches, not a copy of every table: a request changes a few rows
    // while the store grows with the run, and copying it all made each request cost O(store size).
    const undo = new Map<string, Map<number, Row | undefined>>();
    const nextId = new Map(this.nextId);
    this.undo = undo;
    try {
      return work();
    } catch (error) {
      for (const [model, originals] of undo) {
        const table = this.tables.get(model)!;
        for (const [id, original] of originals) {
          if (original) table.set(id, original);
          else table.delete(id);
        }
      }
      this.nextId = nextId;
      throw error;
    } finally {
      this.undo = undefined;
    }
  }

  /** Keeps a row as it was before the open transaction first changes it (absent: it did not exist). */
  private remember(model: string, id: number): void {
    if (!this.undo) return;
    let originals = this.undo.get(model);
    if (!originals) {
      originals = new Map();
      this.undo.set(model, originals);
    }
    if (originals.has(id)) return;
    const row = this.tables.get(model)?.get(id);
    originals.set(id, row ? structuredClone(row) : undefined);
  }

  /** Every record of a model, as stored (for tests and the summary). */
  all(model: string): Row[] {
    return [...(this.tables.get(model)?.values() ?? [])].map((r) => ({ ...r }));
  }

  checkAccess(user: UserRecord, model: string, operation: 'read' | 'write' | 'create' | 'unlink'): void {
    const def = this.model(model);
    if (
      user.denied?.includes(`${model}:${operation}`) ||
      (model === 'loyalty.card' && operation === 'unlink')
    ) {
      const verb = operation === 'read' ? 'access' : operation === 'unlink' ? 'delete' : operation;
      throw new OdooException(
        'odoo.exceptions.AccessError',
        `You are not allowed to ${verb} '${def.description}' (${model}) records.${ACCESS_GROUPS}\n\nContact your administrator to request access if necessary.`,
      );
    }
  }

  hasAccess(user: UserRecord, model: string, operation: 'read' | 'write' | 'create' | 'unlink'): boolean {
    try {
      this.checkAccess(user, model, operation);
      return true;
    } catch {
      return false;
    }
  }

  create(model: string, values: Record<string, unknown>, uid: number): number {
    const def = this.model(model);
    const id = this.nextId.get(model) ?? 1;
    this.nextId.set(model, id + 1);
    const now = odooNow(this.clock());
    const row: Row = { id };
    for (const [name, field] of Object.entries(def.fields)) {
      if (field.type === 'one2many') continue;
      row[name] = field.default ?? (field.type === 'many2many' ? [] : false);
    }
    if ('create_date' in def.fields) row.create_date = now;
    if ('write_date' in def.fields) row.write_date = now;
    const children = this.assign(def, row, values, uid);
    for (const [name, field] of Object.entries(def.fields)) {
      if (field.required && (row[name] === false || row[name] === undefined || row[name] === '')) {
        throw new OdooException(
          'odoo.exceptions.ValidationError',
          `The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: ${def.description} (${model})\nField: ${field.string} (${name})\n`,
        );
      }
    }
    this.remember(model, id);
    this.tables.get(model)!.set(id, row);
    for (const child of children) this.create(child.model, { ...child.values, [child.inverse]: id }, uid);
    return id;
  }

  write(model: string, ids: readonly number[], values: Record<string, unknown>, uid: number): void {
    const def = this.model(model);
    const rows = this.browse(model, ids);
    for (const row of rows) {
      this.remember(model, row.id);
      const children = this.assign(def, row, values, uid);
      if ('write_date' in def.fields) row.write_date = odooNow(this.clock());
      for (const child of children)
        this.create(child.model, { ...child.values, [child.inverse]: row.id }, uid);
    }
  }

  unlink(model: string, ids: readonly number[]): void {
    this.browse(model, ids);
    for (const id of ids) {
      this.remember(model, id);
      this.tables.get(model)!.delete(id);
    }
  }

  /** Existing rows (live objects), or Odoo's MissingError. */
  browse(model: string, ids: readonly number[]): Row[] {
    const table = this.tables.get(this.model(model).name)!;
    const missing = ids.filter((id) => !table.has(id));
    if (missing.length > 0) {
      throw new OdooException(
        'odoo.exceptions.MissingError',
        `Record does not exist or has been deleted.\n(Record: ${model}(${missing.join(', ')},), User: 2)`,
      );
    }
    return ids.map((id) => table.get(id)!);
  }

  search(
    model: string,
    domain: readonly unknown[],
    options: { limit?: number; offset?: number; order?: string; activeTest?: boolean } = {},
  ): Row[] {
    const def = this.model(model);
    const table = this.tables.get(model)!;
    let rows = [...table.values()].filter((row) => this.matches(def, row, domain));
    if ('active' in def.fields && options.activeTest !== false && !mentions(domain, 'active')) {
      rows = rows.filter((r) => r.active !== false);
    }
    const [orderField, direction] = (options.order ?? 'id').trim().split(/\s+/);
    const key = orderField ?? 'id';
    rows.sort((a, b) => compare(a[key], b[key]) * (direction?.toLowerCase() === 'desc' ? -1 : 1));
    const offset = options.offset ?? 0;
    return rows.slice(offset, options.limit ? offset + options.limit : undefined);
  }

  /** A record as `read()` returns it: many2one as `[id, name]`, one2many as ids. */
  present(model: string, row: Row, fields: readonly string[]): Row {
    const def = this.model(model);
    const names = fields.length > 0 ? fields : Object.keys(def.fields);
    const out: Row = { id: row.id };
    for (const name of names) {
      if (name === 'id') continue;
      const field = def.fields[name];
      if (!field)
        throw new OdooException('builtins.ValueError', `Invalid field '${name}' on model '${model}'`);
      if (field.type === 'one2many') {
        out[name] = this.search(field.relation!, [[field.inverse!, '=', row.id]], { activeTest: false }).map(
          (r) => r.id,
        );
      } else if (field.type === 'many2one' && typeof row[name] === 'number') {
        out[name] = [row[name], this.displayName(field.relation!, row[name] as number)];
      } else {
        out[name] = row[name] ?? false;
      }
    }
    return out;
  }

  displayName(model: string, id: number): string {
    const def = this.models.get(model);
    const row = this.tables.get(model)?.get(id);
    // Products show their internal reference first, as Odoo's display_name does.
    if (row && typeof row.default_code === 'string' && typeof row.name === 'string') {
      return `[${row.default_code}] ${row.name}`;
    }
    const value = def?.recName && row ? row[def.recName] : undefined;
    return typeof value === 'string' ? value : `${model},${id}`;
  }

  private assign(
    def: ModelDef,
    row: Row,
    values: Record<string, unknown>,
    _uid: number,
  ): { model: string; inverse: string; values: Record<string, unknown> }[] {
    const children: { model: string; inverse: string; values: Record<string, unknown> }[] = [];
    for (const [name, value] of Object.entries(values)) {
      const field = def.fields[name];
      if (!field)
        throw new OdooException('builtins.ValueError', `Invalid field '${name}' on model '${def.name}'`);
      if (field.readonly && name !== 'res_name') continue;
      if (field.type === 'many2many') row[name] = applyX2many(row[name], value, def.name, name);
      else if (field.type === 'one2many') {
        for (const command of asCommands(value, def.name, name)) {
          if (command[0] !== 0)
            throw new OdooException(
              'builtins.ValueError',
              `stand-in supports only create commands on ${name}`,
            );
          children.push({
            model: field.relation!,
            inverse: field.inverse!,
            values: (command[2] ?? {}) as Record<string, unknown>,
          });
        }
      } else row[name] = coerce(def.name, name, field, value);
    }
    return children;
  }

  private matches(def: ModelDef, row: Row, domain: readonly unknown[]): boolean {
    // Prefix notation: '&' and '|' take the next two terms, '!' the next one; terms default to AND.
    const stack: boolean[] = [];
    for (let i = domain.length - 1; i >= 0; i--) {
      const term = domain[i];
      if (term === '&' || term === '|') {
        const a = stack.pop() ?? true;
        const b = stack.pop() ?? true;
        stack.push(term === '&' ? a && b : a || b);
      } else if (term === '!') stack.push(!(stack.pop() ?? true));
      else stack.push(this.leaf(def, row, term));
    }
    return stack.every(Boolean);
  }

  private leaf(def: ModelDef, row: Row, term: unknown): boolean {
    if (!Array.isArray(term) || term.length !== 3) {
      throw new OdooException('builtins.ValueError', `Invalid leaf ${JSON.stringify(term)}`);
    }
    const [name, operator, value] = term as [string, string, unknown];
    const field = name === 'id' ? ({ type: 'integer', string: 'ID' } as FieldDef) : def.fields[name];
    if (!field)
      throw new OdooException(
        'builtins.ValueError',
        `Invalid field ${def.name}.${name} in leaf ${JSON.stringify(term)}`,
      );
    const actual = row[name];
    const values = Array.isArray(actual) ? actual : [actual];
    switch (operator) {
      case '=':
        return Array.isArray(actual) ? actual.includes(value) : equal(actual, value);
      case '!=':
        return !equal(actual, value);
      case 'in':
        return values.some((v) => (value as unknown[]).some((x) => equal(v, x)));
      case 'not in':
        return !values.some((v) => (value as unknown[]).some((x) => equal(v, x)));
      case 'ilike':
      case 'like':
      case '=ilike':
      case '=like': {
        if (typeof actual !== 'string') return false;
        return likeRegex(String(value), operator).test(actual);
      }
      case '<':
      case '>':
      case '<=':
      case '>=': {
        const c = compare(actual, value);
        return operator === '<' ? c < 0 : operator === '>' ? c > 0 : operator === '<=' ? c <= 0 : c >= 0;
      }
      default:
        throw new OdooException('builtins.ValueError', `Invalid operator ${operator}`);
    }
  }
}

function coerce(model: string, name: string, field: FieldDef, value: unknown): unknown {
  if (value === false || value === null) return false;
  const wrong = () =>
    new OdooException('builtins.ValueError', `Wrong value for ${model}.${name}: ${pyRepr(value)}`);
  switch (field.type) {
    case 'selection':
      if (!field.selection?.some(([k]) => k === value)) throw wrong();
      return value;
    case 'integer':
    case 'many2one':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw wrong();
      return value;
    case 'float':
    case 'monetary':
      if (typeof value !== 'number') throw wrong();
      return value;
    case 'boolean':
      return Boolean(value);
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

function asCommands(value: unknown, model: string, name: string): unknown[][] {
  if (!Array.isArray(value) || !value.every(Array.isArray)) {
    throw new OdooException('builtins.ValueError', `Wrong value for ${model}.${name}: ${pyRepr(value)}`);
  }
  return value as unknown[][];
}

/** many2many commands: (4, id) link, (3, id) unlink, (6, 0, ids) replace, (5,) clear; a plain id list replaces. */
function applyX2many(current: unknown, value: unknown, model: string, name: string): number[] {
  let ids = Array.isArray(current) ? [...(current as number[])] : [];
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return [...(value as number[])];
  for (const command of asCommands(value, model, name)) {
    const [op, id, list] = command as [number, number, number[] | undefined];
    if (op === 4 && !ids.includes(id)) ids.push(id);
    else if (op === 3) ids = ids.filter((x) => x !== id);
    else if (op === 6) ids = [...(list ?? [])];
    else if (op === 5) ids = [];
  }
  return ids;
}

/** A search tests every row against the same pattern: compile it once, not once per row. */
const likeCache = new Map<string, RegExp>();
function likeRegex(value: string, operator: string): RegExp {
  const key = `${operator}\u0000${value}`;
  let regex = likeCache.get(key);
  if (!regex) {
    if (likeCache.size >= 1000) likeCache.clear();
    regex = new RegExp(likePattern(value, operator.startsWith('=')), operator.includes('ilike') ? 'is' : 's');
    likeCache.set(key, regex);
  }
  return regex;
}

/** PostgreSQL LIKE: `%` any run, `_` any one character, a backslash makes the next one literal. */
function likePattern(value: string, anchored: boolean): string {
  let body = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && i + 1 < value.length) body += escapeRegex(value[++i]!);
    else if (ch === '%') body += '.*';
    else if (ch === '_') body += '.';
    else body += escapeRegex(ch);
  }
  return anchored ? `^${body}$` : body;
}

const escapeRegex = (ch: string): string => ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const equal = (a: unknown, b: unknown): boolean => a === b || (a === false && (b === false || b === null));
const mentions = (domain: readonly unknown[], field: string): boolean =>
  domain.some((t) => Array.isArray(t) && t[0] === field);

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

export const odooNow = (d: Date): string => d.toISOString().slice(0, 19).replace('T', ' ');

export const pyRepr = (value: unknown): string =>
  typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
