import { z } from 'zod';

/** Channel systems Tessera understands. A source id (who signed the request) maps onto one of these. */
export const SourceSystem = z.enum([
  'pos',
  'ecommerce',
  'marketplace',
  'loyalty',
  'crm',
  'service',
  'campaigns',
  'odoo',
  'documents',
  'backfill',
]);
export type SourceSystem = z.infer<typeof SourceSystem>;

/**
 * The channel systems that sign their batches to `POST /events` (one key each). Odoo is not among them: it
 * posts its own webhooks to a secret path; Tessera's own producers put events on the bus directly.
 */
export const SIGNING_CHANNEL_SOURCES = [
  'pos',
  'ecommerce',
  'marketplace',
  'loyalty',
  'crm',
  'service',
  'campaigns',
] as const satisfies readonly SourceSystem[];

/** ISO-8601 timestamp with an explicit offset or Z; sources in other zones must say so. */
export const Timestamp = z.iso.datetime({ offset: true });
export const CurrencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as EUR')
  .describe('ISO 4217 currency code');
export const Money = z.number().finite();
/** Identifiers from source systems: opaque, bounded, printable. */
export const SourceId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

// PII fields are accepted as the source wrote them (bounded so one event cannot blow the 256 KB budget);
// identity resolution normalises them and flags absurd values instead of rejecting the whole event.
const text = (max: number) => z.string().max(max);

export const PostalAddress = z
  .object({
    line1: text(1000).optional(),
    line2: text(1000).optional(),
    streetNumber: text(100).optional(),
    street: text(1000).optional(),
    city: text(500).optional(),
    postcode: text(50).optional(),
    state: text(200).optional(),
    country: text(100).optional(),
  })
  .strict();
export type PostalAddress = z.infer<typeof PostalAddress>;

export const Consent = z
  .object({
    email: z.boolean().optional(),
    sms: z.boolean().optional(),
    phone: z.boolean().optional(),
    post: z.boolean().optional(),
    profiling: z.boolean().optional(),
  })
  .strict();
export type Consent = z.infer<typeof Consent>;

/** The customer as one source system saw them. Never trusted as-is: identity resolution decides who it is. */
export const SourceCustomer = z
  .object({
    sourceSystem: SourceSystem,
    sourceCustomerId: SourceId.optional(),
    givenName: text(1000).optional(),
    familyName: text(1000).optional(),
    fullName: text(2000).optional(),
    email: text(1000).optional(),
    phone: text(100).optional(),
    birthDate: text(50).optional().describe('as the source writes it: 1956-04-09, 19560409, 09/04/1956 ...'),
    gender: text(50).optional(),
    address: PostalAddress.optional(),
    loyaltyId: SourceId.optional(),
    nationalId: text(100).optional(),
    consent: Consent.optional(),
    verified: z.array(z.enum(['email', 'phone', 'address', 'birthDate'])).optional(),
  })
  .strict();
export type SourceCustomer = z.infer<typeof SourceCustomer>;

/** Fields every channel event detail carries. */
export const channelEnvelope = {
  schemaVersion: z.literal(1),
  eventId: SourceId.describe('the source system event id; the deduplication key together with the source'),
  occurredAt: Timestamp.describe('when it happened in the source system'),
  customer: SourceCustomer,
};

export const Channel = z.enum(['store', 'web', 'app', 'marketplace', 'phone', 'email', 'chat', 'social']);
export type Channel = z.infer<typeof Channel>;

/** Return and claim reasons; free text sources are mapped onto it. */
export const ReasonCode = z.enum([
  'damaged',
  'wrong_item',
  'size_or_fit',
  'not_as_described',
  'late_delivery',
  'changed_mind',
  'other',
]);
export type ReasonCode = z.infer<typeof ReasonCode>;
