/**
 * The preset dictionary for packed profile values (packed-json.ts): a profile shaped as this project
 * writes it, with the names and the repeated values (sources, channels, event types, golden-value fields).
 * A profile is about 1 KB of JSON, too short for deflate to learn its own repetitions; primed with this it
 * packs to about half of gzip's size, and most profiles fit in one write unit.
 *
 * Never edit a shipped version: stored items name their dictionary by its version byte. To change it, add
 * a version and keep reading the old ones.
 */
const golden = (name: string, value: string, source: string) =>
  `"${name}":{"value":"${value}","source":"${source}","observedAt":"2026-01-01T00:00:00Z","verified":false,"record":0},`;

export const PACKING_DICTIONARY_V1 = Buffer.from(
  [
    '{"aggregates":{"v":1,"orders":{"POS-20260101-100000":{"rev":1000,"paid":1000,"cost":500,"disc":0,"units":1,',
    '"at":1760000000000,"ch":"store"},"WEB-100000":{"rev":1000,"paid":1000,"cost":500,"disc":0,"units":1,',
    '"at":1760000000000,"ch":"web"}},"tickets":{},"loyalty":{"earned":0,"redeemed":0,"id":"",',
    '"enrolledAt":1760000000000,"tier":"bronze","tierAt":1760000000000,"points":0,"pointsAt":1760000000000},',
    '"campaigns":{"sent":0,"opened":0,"clicked":0,"redeemed":0,"touches":[]},',
    '"channels":{"store":1,"app":1,"web":1,"marketplace":1},',
    '"seen":["CustomerProfileCreated:crm:","CustomerProfileUpdated:ecommerce:","OrderPlaced:pos:pos-tx-",',
    '"OrderPlaced:ecommerce:web-evt-","OrderFulfilled:ecommerce:web-evt-","OrderReturned:marketplace:",',
    '"LoyaltyEnrolled:loyalty:loy-","LoyaltyPointsChanged:loyalty:loy-","TicketOpened:service:",',
    '"CampaignInteraction:campaigns:"],"issues":{},"firstEventAt":1760000000000,"lastEventAt":1760000000000,',
    '"currency":"GBP"},"segments":{"segments":[],"above":[]}}',
    '{"golden":{',
    golden('givenName', '', 'crm'),
    golden('familyName', '', 'ecommerce'),
    golden('email', '', 'loyalty'),
    golden('phone', '+44', 'pos'),
    golden('gender', 'female', 'marketplace'),
    golden('loyaltyId', '', 'loyalty'),
    golden('sourceCustomerId', '', 'odoo'),
    golden('birthDate', '19', 'crm'),
    golden('street', '', 'ecommerce'),
    golden('city', '', 'ecommerce'),
    golden('postcode', '', 'ecommerce'),
    golden('country', 'GB', 'ecommerce'),
    '},"goldenRecords":["ecommerce#ecommerce#","loyalty#loyalty#","crm#crm#","pos#pos#"],',
    '"consent":{"email":{"granted":true,"at":"2026-01-01T00:00:00Z","source":"ecommerce"},',
    '"sms":{"granted":false,"at":"2026-01-01T00:00:00Z","source":"ecommerce"}},"eventCount":1,',
    '"recentEvents":["loyalty#loy-","pos#pos-tx-","ecommerce#web-evt-","marketplace#","service#","campaigns#"],',
    '"firstSeenAt":"2026-01-01T00:00:00Z","lastSeenAt":"2026-01-01T00:00:00Z"}',
  ].join(''),
);
