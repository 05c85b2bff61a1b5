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

/** The parts of a PutEvents entry that count towards EventBridge's size limit, already serialised. */
export interface SerialisedEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly Time?: unknown;
  readonly Resources?: readonly string[];
}

/** Size of a PutEvents entry as EventBridge counts it (detail-type, source, detail, resources, time). */
export function serialisedEntrySize(entry: SerialisedEntry): number {
  let size = Buffer.byteLength(entry.DetailType ?? '') + Buffer.byteLength(entry.Source ?? '');
  size += Buffer.byteLength(entry.Detail ?? '');
  if (entry.Time !== undefined) size += 14;
  for (const r of entry.Resources ?? []) size += Buffer.byteLength(r);
  return size;
}

export const eventEntrySize = (event: OutgoingEvent): number =>
  serialisedEntrySize({
    Source: event.source,
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
    ...(event.time ? { Time: event.time } : {}),
    ...(event.resources ? { Resources: event.resources } : {}),
  });
