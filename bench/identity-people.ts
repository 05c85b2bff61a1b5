/**
 * Realistic people for identity benchmarks, from the demo retailer (local/simulator): its population has
 * common and rare surnames (a long tail, so about one person in ten has a namesake, as in real data),
 * households, nicknames, typos and several records per person, so blocks have the sizes a real customer base
 * gives them. The simulator itself is not changed; this reads its stream.
 *
 * As a script, writes a labelled CSV of the first N source records (one row per record, the true person
 * as label) for `tessera eval-identity`:
 *   npx tsx bench/identity-people.ts --records 50000 --out .tessera/people-50k.csv
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EventBridgeEvent } from 'aws-lambda';
import type { SourceCustomer } from '../lambdas/core/contracts/common.js';
import {
  namesakeCounts,
  type SimulatedEvent,
  type SimulationOptions,
  streamRetailer,
} from '../local/simulator/index.js';

/** The simulator gives about 3.2 source records per person; this leaves room so a run does not fall short. */
const RECORDS_PER_PERSON = 2.8;

export interface IdentityEvent {
  /** The envelope the identity consumer receives from the bus. */
  readonly event: EventBridgeEvent<string, unknown>;
  /** The source record the event speaks about (sender, source system, the source's customer id). */
  readonly recordKey: string;
  /** The first event of this record: the resolver decides who it is; later ones take the known fast path. */
  readonly first: boolean;
  readonly customer: SourceCustomer;
}

const customerOf = (e: SimulatedEvent) => (e.detail as { customer?: SourceCustomer }).customer;

/** True when the event names somebody: anonymous store purchases carry no id and no personal data. */
function identifies(c: SourceCustomer | undefined): c is SourceCustomer {
  return c !== undefined && Object.keys(c).some((k) => k !== 'sourceSystem');
}

/**
 * The simulated retailer's events that name a customer, as bus envelopes, each marked first or repeat.
 * `customers` people; the stream is generated as it is read.
 */
export function* identityEvents(options: Partial<SimulationOptions>): Generator<IdentityEvent> {
  const seen = new Set<string>();
  let n = 0;
  for (const e of streamRetailer(options)) {
    const customer = customerOf(e);
    if (!identifies(customer)) continue;
    const detail = e.detail as { eventId: string; occurredAt: string };
    const recordKey = customer.sourceCustomerId
      ? `${e.source}#${customer.sourceSystem}#${customer.sourceCustomerId}`
      : `${e.source}#event#${detail.eventId}`;
    const first = !seen.has(recordKey);
    seen.add(recordKey);
    n += 1;
    yield {
      recordKey,
      first,
      customer,
      event: {
        version: '0',
        id: `sim-${n}`,
        'detail-type': e.detailType,
        source: e.source,
        account: '000000000000',
        time: detail.occurredAt,
        region: 'local',
        resources: [],
        detail: e.detail,
      },
    };
  }
}

const COLUMNS = [
  'record_id',
  'person_id',
  'source',
  'given_name',
  'family_name',
  'full_name',
  'email',
  'phone',
  'birth_date',
  'gender',
  'street',
  'address_line2',
  'city',
  'postcode',
  'country',
  'loyalty_id',
] as const;

/** The `--map` that reads this CSV in `tessera eval-identity`. */
export const LABELLED_CSV_MAP =
  'givenName=given_name,familyName=family_name,fullName=full_name,email=email,phone=phone,birthDate=birth_date,' +
  'gender=gender,street=street,addressLine2=address_line2,city=city,postcode=postcode,country=country,loyaltyId=loyalty_id';

const csvField = (value: string | undefined) =>
  value === undefined ? '' : /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

function row(recordKey: string, personId: string, c: SourceCustomer): string {
  const a = c.address;
  const street = a?.line1 ?? ([a?.streetNumber, a?.street].filter(Boolean).join(' ') || undefined);
  const values: Record<(typeof COLUMNS)[number], string | undefined> = {
    record_id: recordKey,
    person_id: personId,
    source: c.sourceSystem,
    given_name: c.givenName,
    family_name: c.familyName,
    full_name: c.fullName,
    email: c.email,
    phone: c.phone,
    birth_date: c.birthDate,
    gender: c.gender,
    street,
    address_line2: a?.line2,
    city: a?.city,
    postcode: a?.postcode,
    country: a?.country,
    loyalty_id: c.loyaltyId,
  };
  return COLUMNS.map((k) => csvField(values[k])).join(',');
}

/**
 * Writes the first `records` source records of a simulated retailer as a labelled CSV: the attributes of
 * each record as its first event carried them, and the true person from the simulator's truth.
 */
export async function writeLabelledPeopleCsv(
  file: string,
  options: { readonly records: number; readonly seed?: number },
): Promise<{
  readonly records: number;
  readonly people: number;
  /** people of the file sharing their true full name with another person of the file, and also their town */
  readonly namesakes: { readonly sharingFullName: number; readonly sharingFullNameAndCity: number };
}> {
  const customers = Math.ceil(options.records / RECORDS_PER_PERSON);
  const stream = streamRetailer({ customers, seed: options.seed ?? 42 });
  const firsts = new Map<string, SourceCustomer>();
  // Read to the end: the truth (which person each record is) is known only then.
  for (const e of stream) {
    const c = customerOf(e);
    if (!identifies(c) || !c.sourceCustomerId) continue;
    const key = `${c.sourceSystem}#${c.sourceCustomerId}`;
    if (!firsts.has(key)) firsts.set(key, c);
  }
  const truth = stream.truth();
  const personOf = new Map(truth.records.map((r) => [`${r.sourceSystem}#${r.sourceCustomerId}`, r.personId]));
  await mkdir(dirname(resolve(file)), { recursive: true });
  const out = createWriteStream(resolve(file), 'utf8');
  out.write(`${COLUMNS.join(',')}\n`);
  const people = new Set<string>();
  let written = 0;
  for (const [key, c] of firsts) {
    if (written === options.records) break;
    const personId = personOf.get(key);
    if (personId === undefined) throw new Error(`the simulator's truth has no record ${key}`);
    if (!out.write(`${row(key, personId, c)}\n`)) await once(out, 'drain');
    people.add(personId);
    written += 1;
  }
  out.end();
  await once(out, 'finish');
  if (written < options.records) {
    throw new Error(
      `only ${written} records from ${customers} simulated people; asked for ${options.records}`,
    );
  }
  const named = truth.people
    .filter((p) => people.has(p.personId))
    .map((p) => ({ givenName: p.givenName, familyName: p.familyName, city: p.address.city }));
  const { sharingFullName, sharingFullNameAndCity } = namesakeCounts(named);
  return { records: written, people: people.size, namesakes: { sharingFullName, sharingFullNameAndCity } };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const records = Number(arg('records') ?? 50_000);
  const out = arg('out') ?? '.tessera/identity-people.csv';
  if (!Number.isInteger(records) || records < 1) throw new Error(`--records must be a positive integer`);
  const written = await writeLabelledPeopleCsv(out, { records, seed: Number(arg('seed') ?? 42) });
  console.log(`wrote ${written.records} records of ${written.people} people to ${out}`);
  const share = (n: number) => `${n} (${((100 * n) / written.people).toFixed(1)}%)`;
  console.log(
    `namesakes: ${share(written.namesakes.sharingFullName)} people share their full name with another person in the file, ` +
      `${share(written.namesakes.sharingFullNameAndCity)} also their town`,
  );
  console.log(
    `npx tsx bin/tessera.ts eval-identity --input ${out} --id-col record_id --truth-col person_id --map ${LABELLED_CSV_MAP} --json`,
  );
}
