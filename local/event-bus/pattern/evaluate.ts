import type { LeafMatcher } from './leaf.js';
import type { ObjectNode } from './pattern-tree.js';
import { isScalar } from './scalar.js';

const NO_FIELDS: Readonly<Record<string, unknown>> = Object.freeze({});
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Does `value` (an event, or a field of one) satisfy `node`?
 * An array of objects matches when one element satisfies the whole node. A value that is not an object
 * (absent, a string, an array without objects) has no fields below it, which only `exists: false` accepts.
 */
export function matchesNode(node: ObjectNode, value: unknown): boolean {
  if (Array.isArray(value)) {
    const found = matchInArray(node, value);
    return found === Found.Match || (found === Found.NoObjects && matchesFields(node, NO_FIELDS));
  }
  if (typeof value === 'object' && value !== null)
    return matchesFields(node, value as Record<string, unknown>);
  return matchesFields(node, NO_FIELDS);
}

/** What a search through an array found: a match, only non-matching candidates, or no candidates at all. */
const Found = { Match: 0, NoMatch: 1, NoObjects: 2 } as const;
type Found = (typeof Found)[keyof typeof Found];

/**
 * Nested arrays are flattened, as EventBridge does. Iterative, so an event of deeply nested arrays (legal
 * JSON within 256 KB) cannot overflow the stack of the bus.
 */
function matchInArray(node: ObjectNode, items: readonly unknown[]): Found {
  let sawObject = false;
  const pending: (readonly unknown[])[] = [items];
  for (let array = pending.pop(); array !== undefined; array = pending.pop()) {
    for (const item of array) {
      if (Array.isArray(item)) {
        pending.push(item);
      } else if (typeof item === 'object' && item !== null) {
        sawObject = true;
        if (matchesFields(node, item as Record<string, unknown>)) return Found.Match;
      }
    }
  }
  return sawObject ? Found.NoMatch : Found.NoObjects;
}

function matchesFields(node: ObjectNode, object: Record<string, unknown>): boolean {
  for (const field of node.fields) {
    // An event field called "constructor" is data, not Object.prototype.constructor.
    const value = field.inheritedName && !hasOwn.call(object, field.key) ? undefined : object[field.key];
    if (field.leaf !== undefined && !matchesLeaf(field.leaf, value)) return false;
    if (field.node !== undefined && !matchesNode(field.node, value)) return false;
  }
  return true;
}

/**
 * Leaf conditions look at the scalar values at this path: the value itself, or the scalars of an array
 * (any one may match). An object or an array without scalars is no value at all, as EventBridge sees it
 * (`exists` works on leaves only), so there only `exists: false` matches.
 */
function matchesLeaf(leaf: LeafMatcher, value: unknown): boolean {
  if (isScalar(value)) return leaf.test(value);
  if (Array.isArray(value)) {
    const found = leafInArray(leaf, value);
    return found === Found.Match || (found === Found.NoObjects && leaf.matchesAbsent);
  }
  return leaf.matchesAbsent;
}

/** `NoObjects` here means "no scalars": the path has no leaf value in this array. */
function leafInArray(leaf: LeafMatcher, items: readonly unknown[]): Found {
  let sawScalar = false;
  const pending: (readonly unknown[])[] = [items];
  for (let array = pending.pop(); array !== undefined; array = pending.pop()) {
    for (const item of array) {
      if (isScalar(item)) {
        sawScalar = true;
        if (leaf.test(item)) return Found.Match;
      } else if (Array.isArray(item)) {
        pending.push(item);
      }
    }
  }
  return sawScalar ? Found.NoMatch : Found.NoObjects;
}
