/**
 * Thrown when an event pattern breaks EventBridge's rules. The message reads like EventBridge's own
 * `InvalidEventPatternException` ("Event pattern is not valid. Reason: ...") so an operator who has seen
 * one recognises the other, and it names the offending field path.
 */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternError';

  constructor(
    /** What is wrong, without the "Event pattern is not valid" preamble. */
    readonly reason: string,
    /** Where in the pattern, as field names from the root (empty for the pattern itself). */
    readonly path: readonly string[] = [],
  ) {
    super(`Event pattern is not valid. Reason: ${reason}${path.length > 0 ? ` at ${formatPath(path)}` : ''}`);
  }
}

/** `detail.items` style, with `$or[1]` for disjunction branches; unusual field names are quoted. */
export function formatPath(path: readonly string[]): string {
  return path.map((part) => (/^[\w$@-]+(\[\d+\])?$/.test(part) ? part : JSON.stringify(part))).join('.');
}
