import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseSurvivorship } from '../../lambdas/core/identity/survivorship.js';
import { describeIssues } from '../../lambdas/core/validation.js';

const Return = z
  .object({
    orderId: z.string().min(1),
    lines: z.array(z.object({ sku: z.string(), quantity: z.number().int().positive() })),
  })
  .strict();

const issuesOf = (schema: z.ZodType, value: unknown) => {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('the value was expected to be invalid');
  return parsed.error.issues;
};

describe('describeIssues', () => {
  it('names every bad field by its path, on one line', () => {
    // Prepare
    const issues = issuesOf(Return, { orderId: '', lines: [{ sku: 'SKU-1', quantity: 0 }, { quantity: 1 }] });
    // Act
    const text = describeIssues(issues);
    // Assess
    expect(text).toBe(
      'orderId: Too small: expected string to have >=1 characters; ' +
        'lines.0.quantity: Too small: expected number to be >0; ' +
        'lines.1.sku: Invalid input: expected string, received undefined',
    );
    expect(text).not.toContain('\n');
  });

  it('attributes a problem with the input as a whole to the label the caller gives', () => {
    // Prepare
    const notAnObject = issuesOf(Return, 'ORD-1');
    const unknownKey = issuesOf(Return, { orderId: 'ORD-1', lines: [], colour: 'red' });
    // Act
    const byDefault = describeIssues(notAnObject);
    const asBody = describeIssues(unknownKey, '(body)');
    // Assess
    expect(byDefault).toBe('(root): Invalid input: expected object, received string');
    expect(asBody).toBe('(body): Unrecognized key: "colour"');
  });

  it('prints a path that is already written out as it is', () => {
    // Prepare
    const contractIssues = [
      { path: 'lines[0].quantity', message: 'must be positive' },
      { path: 'detail-type', message: "unknown detail-type 'OrderTeleported'" },
    ];
    // Act
    const text = describeIssues(contractIssues);
    // Assess
    expect(text).toBe(
      "lines[0].quantity: must be positive; detail-type: unknown detail-type 'OrderTeleported'",
    );
  });

  it('names a symbol key instead of failing while describing the failure', () => {
    // Prepare
    const key = Symbol('internal');
    // Act
    const text = describeIssues([{ path: ['meta', key], message: 'Required' }]);
    // Assess
    expect(text).toBe('meta.Symbol(internal): Required');
  });

  it('is what a caller reports: a survivorship setting that is not an object names the setting', () => {
    // Act
    const act = () => parseSurvivorship('["newest"]');
    // Assess
    expect(act).toThrow(
      'identity survivorship setting: (setting): Invalid input: expected object, received array',
    );
  });
});
