/**
 * Masks customer details for approvers: enough to recognise a case ("J*** S****, j***@g****.com"), not
 * enough to copy contact data out of an email that may be forwarded.
 */
export function maskName(name: string | undefined): string {
  if (!name?.trim()) return 'Unnamed customer';
  return name
    .trim()
    .split(/\s+/)
    .map((part) => `${[...part][0] ?? ''}${'*'.repeat(Math.max(2, [...part].length - 1))}`)
    .join(' ');
}

export function maskEmail(email: string | undefined): string | undefined {
  if (!email?.includes('@')) return undefined;
  const [local = '', domain = ''] = email.trim().split('@');
  const dot = domain.lastIndexOf('.');
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${local.slice(0, 1)}***@${host.slice(0, 1)}****${tld}`;
}
