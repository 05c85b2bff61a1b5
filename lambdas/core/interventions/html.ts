/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: string | number): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export const TEAM_LABEL = {
  marketing: 'Marketing',
  customer_care: 'Customer care',
  merchandising: 'Merchandising',
} as const;

export const ACTION_LABEL = {
  retention_offer: 'Retention offer',
  loyalty_compensation: 'Loyalty points',
  service_priority_upgrade: 'Service priority upgrade',
  pricing_review: 'Pricing / promotion review',
  crm_follow_up: 'CRM follow-up',
} as const;

export function formatAmount(
  amount: number | undefined,
  unit: 'currency' | 'points',
  currency: string,
): string {
  if (amount === undefined) return '';
  return unit === 'points' ? `${amount} points` : `${amount.toFixed(2)} ${currency}`;
}

/** Dates as an approver reads them, in UTC so every recipient sees the same deadline. */
export function formatDeadline(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}
