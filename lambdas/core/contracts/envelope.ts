import type { DetailType } from './names.js';

/** The EventBridge envelope as consumers receive it. */
export interface TesseraEvent<TDetail = unknown, TType extends DetailType = DetailType> {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': TType;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: TDetail;
}

/** What a producer hands to the bus (one PutEvents entry). */
export interface OutgoingEvent<TDetail = unknown> {
  readonly source: string;
  readonly detailType: DetailType;
  readonly detail: TDetail;
  readonly time?: string;
  readonly resources?: readonly string[];
}

/** EventBridge's limit for one entry, and for one PutEvents request. */
export const MAX_EVENT_BYTES = 256 * 1024;
export const MAX_PUT_EVENTS_ENTRIES = 10;

/** Size of a PutEvents entry as EventBridge counts it (detail-type, source, detail, resources, time). */
export function eventEntrySize(event: OutgoingEvent): number {
  let size = Buffer.byteLength(event.detailType) + Buffer.byteLength(event.source);
  size += Buffer.byteLength(JSON.stringify(event.detail));
  if (event.time) size += 14;
  for (const r of event.resources ?? []) size += Buffer.byteLength(r);
  return size;
}
