import { InvalidArgumentError } from 'commander';

/**
 * Parses a whole-number option for commander, naming the option when the value is not one. `min` is 0 unless
 * given: `--port 0` picks a free port.
 */
export const wholeNumber =
  (name: string, min = 0) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`${name} must be a whole number${min > 0 ? ` of at least ${min}` : ''}`);
    }
    return n;
  };
