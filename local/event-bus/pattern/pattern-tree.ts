import type { LeafMatcher } from './leaf.js';

/**
 * A `$or`-free pattern as a tree mirroring the event's shape. Matching walks the tree and the event together,
 * so every condition under one object node is tested against the same event object: for an array of objects,
 * one element has to satisfy all of them (EventBridge's array consistency), not each a different element.
 */
export interface ObjectNode {
  readonly fields: readonly FieldRule[];
}

/** A field can carry both a leaf and a nested node when `$or` branches reach it at two depths. */
export interface FieldRule {
  readonly key: string;
  /** The key names an Object.prototype member ("constructor", "__proto__"...): read own properties only. */
  readonly inheritedName: boolean;
  readonly leaf: LeafMatcher | undefined;
  readonly node: ObjectNode | undefined;
}

/** One conjunctive branch of a pattern: every leaf path it constrains, in pattern order. */
export type Branch = Map<string, { readonly path: readonly string[]; readonly leaf: LeafMatcher }>;

export function branchToTree(branch: Branch): ObjectNode {
  const root = new MutableNode();
  for (const { path, leaf } of branch.values()) {
    let node = root;
    for (const key of path.slice(0, -1)) node = node.field(key).child();
    node.field(path[path.length - 1]!).leaf = leaf;
  }
  return root.freeze();
}

class MutableField {
  leaf: LeafMatcher | undefined;
  node: MutableNode | undefined;
  child(): MutableNode {
    this.node ??= new MutableNode();
    return this.node;
  }
}

class MutableNode {
  private readonly fields = new Map<string, MutableField>();
  field(key: string): MutableField {
    let field = this.fields.get(key);
    if (field === undefined) {
      field = new MutableField();
      this.fields.set(key, field);
    }
    return field;
  }
  freeze(): ObjectNode {
    return {
      fields: [...this.fields].map(([key, field]) => ({
        key,
        inheritedName: key in Object.prototype,
        leaf: field.leaf,
        node: field.node?.freeze(),
      })),
    };
  }
}
