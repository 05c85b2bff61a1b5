/**
 * One problem found in an input: where it is and what is wrong. A zod issue is one as it stands (its
 * path is the list of keys); a contract issue carries its path already written out (`lines[0].quantity`).
 */
export interface FieldIssue {
  readonly path: string | readonly PropertyKey[];
  readonly message: string;
}

/**
 * The one-line text our validation errors carry: `policy.maxDiscount: Too big: expected number to be <=50;
 * channel: Invalid option ...`. Every issue is listed, so one round trip fixes them all; the text stays on
 * one line because it lands in HTTP problem bodies, rejection reasons, DLQ records and Step Functions causes.
 * `rootLabel` names the input as a whole (`(body)`, `(setting)`), for an issue that is about all of it.
 */
export function describeIssues(issues: readonly FieldIssue[], rootLabel = '(root)'): string {
  return issues.map((issue) => `${pathText(issue.path) || rootLabel}: ${issue.message}`).join('; ');
}

// String() rather than join's implicit conversion: a symbol key (zod allows them) would make join throw.
const pathText = (path: FieldIssue['path']): string =>
  typeof path === 'string' ? path : path.map(String).join('.');
