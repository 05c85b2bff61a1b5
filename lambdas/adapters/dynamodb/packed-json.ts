import { deflateRawSync, gunzipSync, inflateRawSync } from 'node:zlib';
import { PACKING_DICTIONARY_V1 } from './packing-dictionary.js';

/**
 * Large nested values (a profile's golden record and analytics state) stored as compressed JSON in one
 * binary attribute. DynamoDB bills writes per KB of item size, and a map attribute spends bytes on every
 * nested name and type: the demo's profiles shrink from about 6 write units to 1. Nothing queries inside them.
 *
 * Format: one version byte, then raw deflate primed with that version's dictionary (packing-dictionary.ts).
 * Items written earlier hold gzip (it starts with 0x1f 0x8b) or a plain value; both are still read.
 */
const DICTIONARY_V1 = 0x01;
const GZIP_MAGIC = [0x1f, 0x8b] as const;

export function packJson(value: unknown): Uint8Array {
  // The default level: level 9 saved one byte per profile on the demo's profiles, for more CPU on every write.
  const packed = deflateRawSync(JSON.stringify(value), { dictionary: PACKING_DICTIONARY_V1 });
  const out = new Uint8Array(packed.length + 1);
  out[0] = DICTIONARY_V1;
  out.set(packed, 1);
  return out;
}

/** The value packJson stored; a plain value (an item written before packing) is returned as it is. */
export function unpackJson(stored: unknown): unknown {
  if (!(stored instanceof Uint8Array)) return stored;
  if (stored[0] === GZIP_MAGIC[0] && stored[1] === GZIP_MAGIC[1]) {
    return JSON.parse(gunzipSync(stored).toString('utf8'));
  }
  if (stored[0] === DICTIONARY_V1) {
    return JSON.parse(
      inflateRawSync(stored.subarray(1), { dictionary: PACKING_DICTIONARY_V1 }).toString('utf8'),
    );
  }
  throw new Error(`packed value has unknown format byte ${stored[0]}; written by a newer version?`);
}
