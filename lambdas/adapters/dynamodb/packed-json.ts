import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * Large nested values (a profile's golden record and analytics state) stored as gzip'd JSON in one binary
 * attribute. DynamoDB bills writes per KB of item size, and a map attribute spends bytes on every nested
 * name and type: the demo's profiles shrink from about 6 write units to 2. Nothing queries inside them.
 */
export function packJson(value: unknown): Uint8Array {
  return gzipSync(JSON.stringify(value));
}

/** The value packJson stored; a plain value (an item written before packing) is returned as it is. */
export function unpackJson(stored: unknown): unknown {
  return stored instanceof Uint8Array ? JSON.parse(gunzipSync(stored).toString('utf8')) : stored;
}
