import { InvalidEventPatternError } from './errors.js';
import { matchesNode } from './evaluate.js';
import { compileLeaf } from './leaf.js';
import {
  DEFAULT_MAX_PATTERN_LENGTH,
  MAX_OR_BRANCHES,
  MAX_PATTERN_DEPTH,
  OR_KEYWORD,
  RESERVED_NAMES_INSIDE_OR,
} from './limits.js';
import { type Branch, branchToTree, type ObjectNode } from './pattern-tree.js';
import { isPlainObject } from './scalar.js';

export interface CompiledPattern {
  /** The pattern as given, for logs and error messages. */
  readonly pattern: unknown;
  /** True when the event matches, as EventBridge's TestEventPattern would answer. */
  matches(event: unknown): boolean;
}

export interface CompileOptions {
  /** Longest pattern accepted, in characters of compact JSON; EventBridge's default quota is 2048. */
  readonly maxPatternLength?: number;
}

/**
 * Validates an event pattern as EventBridge does and compiles it once for fast repeated matching.
 * Throws InvalidEventPatternError, naming the offending field and operator, for a pattern EventBridge rejects.
 */
export function compileEventPattern(pattern: unknown, options: CompileOptions = {}): CompiledPattern {
  if (!isPlainObject(pattern)) throw new InvalidEventPatternError('Filter is not an object');
  const maxLength = options.maxPatternLength ?? DEFAULT_MAX_PATTERN_LENGTH;
  const length = jsonLength(pattern);
  if (length > maxLength) {
    throw new InvalidEventPatternError(
      `Event pattern is ${length} characters long; the limit is ${maxLength} (EventBridge's default quota is ${DEFAULT_MAX_PATTERN_LENGTH}, adjustable up to 4096)`,
    );
  }
  const branches = parseObject([new Map()], pattern, { path: [], where: [], insideOr: false, depth: 0 });
  const trees = branches.map(branchToTree);
  return trees.length === 1
    ? new SingleBranchPattern(pattern, trees[0]!)
    : new AnyBranchPattern(pattern, trees);
}

function jsonLength(pattern: unknown): number {
  try {
    return JSON.stringify(pattern).length;
  } catch (error) {
    // Only a pattern built in code can get here (a cycle, a BigInt): it could never be sent to EventBridge.
    throw new InvalidEventPatternError(`Event pattern is not JSON: ${(error as Error).message}`);
  }
}

class SingleBranchPattern implements CompiledPattern {
  constructor(
    readonly pattern: unknown,
    private readonly tree: ObjectNode,
  ) {}
  matches(event: unknown): boolean {
    return matchesNode(this.tree, event);
  }
}

/** `$or` is expanded into branches (disjunctive normal form) at compile time, as EventBridge does. */
class AnyBranchPattern implements CompiledPattern {
  constructor(
    readonly pattern: unknown,
    private readonly trees: readonly ObjectNode[],
  ) {}
  matches(event: unknown): boolean {
    for (const tree of this.trees) if (matchesNode(tree, event)) return true;
    return false;
  }
}

/** Where the walk is: `path` is the field path events are matched on, `where` also names `$or` branches for errors. */
interface Position {
  readonly path: readonly string[];
  readonly where: readonly string[];
  readonly insideOr: boolean;
  readonly depth: number;
}

/**
 * Walks one pattern object, adding its leaves to every branch. A `$or` forks each branch once per
 * alternative; a path set twice in one branch (by a `$or` alternative and its surroundings) keeps the value
 * written last, as EventBridge does.
 */
function parseObject(branches: Branch[], object: Record<string, unknown>, at: Position): Branch[] {
  if (at.depth > MAX_PATTERN_DEPTH) {
    throw new InvalidEventPatternError(
      `Event pattern is nested too deeply (more than ${MAX_PATTERN_DEPTH} levels)`,
      at.where,
    );
  }
  const keys = Object.keys(object);
  if (keys.length === 0) throw new InvalidEventPatternError('Empty objects are not allowed', at.where);
  let current = branches;
  for (const key of keys) {
    const value = object[key];
    if (key === OR_KEYWORD) {
      current = parseOr(current, value, at);
      continue;
    }
    const field: Position = {
      ...at,
      path: [...at.path, key],
      where: [...at.where, key],
      depth: at.depth + 1,
    };
    if (at.insideOr && RESERVED_NAMES_INSIDE_OR.has(key)) {
      throw new InvalidEventPatternError(
        `${key} is Ruler reserved fieldName which cannot be used inside ${OR_KEYWORD}.`,
        field.where,
      );
    }
    if (Array.isArray(value)) {
      const leaf = compileLeaf(value, field.where);
      const pathKey = JSON.stringify(field.path);
      for (const branch of current) branch.set(pathKey, { path: field.path, leaf });
    } else if (isPlainObject(value)) {
      current = parseObject(current, value, field);
    } else {
      throw new InvalidEventPatternError(`"${key}" must be an object or an array`, field.where);
    }
  }
  return current;
}

function parseOr(branches: Branch[], alternatives: unknown, at: Position): Branch[] {
  const orWhere = [...at.where, OR_KEYWORD];
  if (!Array.isArray(alternatives)) {
    throw new InvalidEventPatternError(`It must be an Array followed with ${OR_KEYWORD}.`, orWhere);
  }
  if (alternatives.length < 2) {
    throw new InvalidEventPatternError(
      `There must have at least 2 Objects in ${OR_KEYWORD} relationship.`,
      orWhere,
    );
  }
  const forked: Branch[] = [];
  alternatives.forEach((alternative, index) => {
    const where = [...at.where, `${OR_KEYWORD}[${index}]`];
    if (!isPlainObject(alternative)) {
      throw new InvalidEventPatternError(
        `Only JSON object is allowed in array of ${OR_KEYWORD} relationship.`,
        where,
      );
    }
    const copies = branches.map((branch) => new Map(branch));
    forked.push(...parseObject(copies, alternative, { ...at, where, insideOr: true, depth: at.depth + 1 }));
    if (forked.length > MAX_OR_BRANCHES) {
      throw new InvalidEventPatternError(
        `Event pattern is too complex: its ${OR_KEYWORD} combinations exceed ${MAX_OR_BRANCHES} branches`,
        orWhere,
      );
    }
  });
  return forked;
}
