/** An EventBridge event pattern, as written in rules (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html). */
export type EventPattern = { readonly [field: string]: unknown };
