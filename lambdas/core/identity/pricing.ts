/**
 * AWS on-demand prices used to turn measured request units into a cost per million events.
 * Source: the AWS pricing pages for Amazon DynamoDB (on-demand capacity, after the 1 November 2024
 * reduction), AWS Lambda and Amazon EventBridge, US East (N. Virginia), as published in November 2024.
 * Check them before quoting: prices differ per region and change.
 */
export const AWS_PRICES = {
  source: 'AWS pricing pages (DynamoDB on-demand, Lambda, EventBridge), us-east-1, as of November 2024',
  dynamodbPerMillionWriteUnits: 0.625,
  dynamodbPerMillionReadUnits: 0.125,
  lambdaPerMillionRequests: 0.2,
  /** Arm64, first pricing tier. */
  lambdaPerGbSecond: 0.0000133334,
  eventBridgePerMillionCustomEvents: 1.0,
} as const;

/** The identity consumer's Lambda as lib/constructs/identity.ts deploys it, and a billed time per event. */
export const IDENTITY_CONSUMER_LAMBDA = { lambdaMemoryGb: 1, lambdaMsPerEvent: 60 } as const;

export interface CostAssumptions {
  /** Lambda memory for the identity consumer. */
  readonly lambdaMemoryGb: number;
  /** Billed Lambda duration per event, in milliseconds. */
  readonly lambdaMsPerEvent: number;
  /** Events put on the bus per channel event: the event itself plus what identity publishes. */
  readonly busEventsPerEvent: number;
}

export function costPerMillionEvents(
  units: { readonly readPerEvent: number; readonly writePerEvent: number },
  assumptions: CostAssumptions,
): { total: number; dynamodb: number; lambda: number; eventBridge: number } {
  const p = AWS_PRICES;
  const dynamodb =
    units.readPerEvent * p.dynamodbPerMillionReadUnits + units.writePerEvent * p.dynamodbPerMillionWriteUnits;
  const lambda =
    p.lambdaPerMillionRequests +
    1e6 * assumptions.lambdaMemoryGb * (assumptions.lambdaMsPerEvent / 1000) * p.lambdaPerGbSecond;
  const eventBridge = assumptions.busEventsPerEvent * p.eventBridgePerMillionCustomEvents;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    total: round(dynamodb + lambda + eventBridge),
    dynamodb: round(dynamodb),
    lambda: round(lambda),
    eventBridge: round(eventBridge),
  };
}
