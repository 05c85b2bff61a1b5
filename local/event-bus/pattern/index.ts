/**
 * The EventBridge event pattern language for the local bus: compile a pattern once (validated the way
 * EventBridge validates it), then test events against it as often as needed.
 *
 *   const pattern = compileEventPattern(route.pattern); // throws InvalidEventPatternError
 *   if (pattern.matches(event)) deliver(event);
 */
export type { CompiledPattern, CompileOptions } from './compile-pattern.js';
export { compileEventPattern } from './compile-pattern.js';
export { InvalidEventPatternError } from './errors.js';
