/**
 * Identity resolution accuracy and speed, streaming one record at a time through the resolver on the
 * in-memory store with the shipped default configuration (only the column mapping differs per data set).
 *   npm run bench -- identity.bench     (identity alone; "identity" also runs identity-cost and identity-scale)
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { identityConfig } from '../lambdas/core/identity/config.js';
import { parseCsvObjects } from '../lambdas/core/identity/csv.js';
import { attributesFromRow, evaluateClusters, parseColumnMap } from '../lambdas/core/identity/evaluation.js';
import { InMemoryIdentityStore } from '../lambdas/core/identity/memory-store.js';
import { resolveIdentity } from '../lambdas/core/identity/resolve.js';

const data = (...p: string[]) => resolve(process.cwd(), '../shared/data', ...p);
const FEBRL_MAP =
  'givenName=given_name,familyName=surname,streetNumber=street_number,street=address_1,addressLine2=address_2,city=suburb,postcode=postcode,state=state,birthDate=date_of_birth,nationalId=soc_sec_id';

interface Input {
  readonly name: string;
  readonly rows: { id: string; truth: string; source: string; row: Record<string, string> }[];
  readonly map: string;
  readonly duplicateFree: readonly string[];
}

function febrl(file: string, source: string): Input['rows'] {
  return parseCsvObjects(readFileSync(data('febrl', file), 'utf8')).rows.map((row) => ({
    id: `${source}:${row.rec_id}`,
    truth: row.rec_id!.split('-')[1]!,
    source,
    row,
  }));
}

export async function runIdentity(input: Input) {
  const config = identityConfig({ duplicateFreeSources: input.duplicateFree });
  const store = new InMemoryIdentityStore();
  const map = parseColumnMap(input.map);
  const predicted = new Map<string, string>();
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  for (const { id, source, row } of input.rows) {
    await resolveIdentity(
      {
        recordKey: `${source}#${id}`,
        source,
        observedAt: '2024-01-01T00:00:00Z',
        attributes: attributesFromRow(row, map),
      },
      store,
      config,
    );
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  // CPU time, not wall time: the machine is shared, and the target is records per second on one core.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // Final clusters: each record's profile after all redirects.
  for (const { id, source } of input.rows) {
    const rec = store.records.get(`${source}#${id}`)!;
    let cid = rec.customerId!;
    while (store.customers.get(cid)?.mergedInto) cid = store.customers.get(cid)!.mergedInto!;
    predicted.set(id, cid);
  }
  const truth = new Map(input.rows.map((r) => [r.id, r.truth]));
  const scores = evaluateClusters(predicted, truth);
  return {
    ...scores,
    records: input.rows.length,
    recordsPerSecond: Math.round(input.rows.length / seconds),
    recordsPerCpuSecond: Math.round(input.rows.length / cpuSeconds),
    reviews: store.reviews.length,
    store,
  };
}

export function benchInputs(): Input[] {
  const splink = parseCsvObjects(readFileSync(data('splink', 'splink_datasets_fake_1000.csv'), 'utf8')).rows;
  return [
    { name: 'febrl3 dedup', rows: febrl('febrl_dataset3.csv', 'a'), map: FEBRL_MAP, duplicateFree: [] },
    {
      name: 'febrl4 linkage 4a-4b',
      rows: [...febrl('febrl_dataset4a.csv', 'a'), ...febrl('febrl_dataset4b.csv', 'b')],
      map: FEBRL_MAP,
      duplicateFree: ['a', 'b'],
    },
    {
      // The shape of a historical register: a birth year only, a place, no address or ids (FEBRL 3 cut down).
      name: 'febrl3 year+town only',
      rows: febrl('febrl_dataset3.csv', 'a').map((r) => ({
        ...r,
        row: { ...r.row, date_of_birth: (r.row.date_of_birth ?? '').slice(0, 4) },
      })),
      map: 'givenName=given_name,familyName=surname,birthDate=date_of_birth,city=suburb,state=state',
      duplicateFree: [],
    },
    {
      name: 'splink fake_1000',
      rows: splink.map((row) => ({ id: row.unique_id!, truth: row.cluster!, source: 'a', row })),
      map: 'givenName=first_name,familyName=surname,birthDate=dob,city=city,email=email',
      duplicateFree: [],
    },
  ];
}

export async function main(): Promise<void> {
  // Warm the JIT on FEBRL 1 (not one of the measured sets) so the figures are steady-state throughput.
  await runIdentity({
    name: 'warm-up',
    rows: febrl('febrl_dataset1.csv', 'a'),
    map: FEBRL_MAP,
    duplicateFree: [],
  });
  for (const input of benchInputs()) {
    const r = await runIdentity(input);
    const fmt = (x: number) => x.toFixed(4);
    console.log(
      `${input.name.padEnd(22)} records ${r.records}  clusters ${r.clusters}  pairwise P ${fmt(r.pairwise.precision)} R ${fmt(r.pairwise.recall)} F1 ${fmt(r.pairwise.f1)}  bcubed F1 ${fmt(r.bcubed.f1)}  reviews ${r.reviews}  ${r.recordsPerCpuSecond} records/cpu-s (${r.recordsPerSecond}/s wall)`,
    );
  }
}
