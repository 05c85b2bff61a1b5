/** A leaf value of an event, as EventBridge sees it after flattening objects and arrays. */
export type Scalar = string | number | boolean | null;

/** One compiled condition on a leaf value. */
export type ScalarTest = (value: Scalar) => boolean;

export function isScalar(value: unknown): value is Scalar {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Locale-independent case folding, the same on both sides of a comparison. */
export function foldCase(text: string): string {
  return text.toLowerCase();
}
