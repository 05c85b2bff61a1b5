/**
 * Reproduces Fader, Hardie and Lee (2005) on the CDNOW sample through Tessera's own path: each line of
 * CDNOW_sample.txt becomes an OrderPlaced contract event, the events go into a profile sink, and the
 * repeat-purchase summaries are read back from the profiles, then fitted and checked on the holdout weeks.
 */
import { OrderPlacedDetail } from '../contracts/channel-events.js';
import { ChannelEventType } from '../contracts/names.js';
import { type ChannelEvent, DAY_MS, dayOf } from './aggregates.js';
import {
  type CustomerRfm,
  expectedPurchases,
  expectedPurchasesNewCustomer,
  type FittedBgNbd,
  fitBgNbd,
} from './bgnbd.js';
import { type FittedGammaGamma, fitGammaGamma } from './gamma-gamma.js';
import type { KpiConfig } from './kpi.js';
import { purchaseDayList, repeatPurchaseSummary } from './metrics.js';
import type { ProfileSink } from './profile-sink.js';

/** The papers' setting: a cohort from Q1 1997, 39 calibration weeks to 1997-09-30, 39 holdout weeks after. */
export const CDNOW = {
  cohortStart: new Date('1997-01-01T00:00:00Z'),
  calibrationEnd: new Date('1997-09-30T00:00:00Z'),
  holdoutWeeks: 39,
  sourceSystem: 'backfill',
  customerPrefix: 'cdnow-',
} as const;

/** Parses one line of CDNOW_sample.txt (master id, sample id, yyyymmdd, CDs, dollars) into an OrderPlaced event. */
export function cdnowLineToEvent(line: string, lineNumber: number): ChannelEvent | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5)
    throw new Error(`CDNOW line ${lineNumber}: expected 5 fields, got ${fields.length}`);
  const [masterId, sampleId, date, cds, dollars] = fields as [string, string, string, string, string];
  if (!/^\d{8}$/.test(date)) throw new Error(`CDNOW line ${lineNumber}: date ${date} is not yyyymmdd`);
  const quantity = Number(cds);
  const amount = Number(dollars);
  if (!Number.isInteger(quantity) || !Number.isFinite(amount)) {
    throw new Error(`CDNOW line ${lineNumber}: CDs must be an integer and dollars a number`);
  }
  const id = `cdnow-${sampleId}-${date}-${lineNumber}`;
  const detail = OrderPlacedDetail.parse({
    schemaVersion: 1,
    eventId: id,
    occurredAt: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T00:00:00Z`,
    customer: {
      sourceSystem: CDNOW.sourceSystem,
      sourceCustomerId: `${CDNOW.customerPrefix}${Number(sampleId)}`,
      loyaltyId: `cdnow-master-${masterId}`,
    },
    orderId: id,
    channel: 'web',
    currency: 'USD',
    // One line per transaction: CDNOW records units and dollars, not prices; the unit price carries the value.
    lines: [{ sku: 'CD', quantity, unitPrice: quantity > 0 ? amount / quantity : amount }],
    total: amount,
  });
  return { detailType: ChannelEventType.OrderPlaced, detail };
}

/** Streams lines into events: the first stage of the evaluation. */
export async function* cdnowEvents(
  lines: AsyncIterable<string> | Iterable<string>,
): AsyncIterable<ChannelEvent> {
  let n = 0;
  for await (const line of lines) {
    n += 1;
    const event = cdnowLineToEvent(line, n);
    if (event) yield event;
  }
}

export interface ExpectedSummaryRow {
  readonly id: number;
  readonly x: number;
  readonly tx: number;
  readonly T: number;
  readonly zbar: number;
}

/** Parses cdnow_customers_summary_with_transactions.csv (ID,x,t_x,T,zbar). */
export function parseCdnowSummaryCsv(text: string): ExpectedSummaryRow[] {
  const lines = text.trim().split(/\r?\n/);
  if (lines[0]?.trim() !== 'ID,x,t_x,T,zbar')
    throw new Error('CDNOW summary CSV: expected header ID,x,t_x,T,zbar');
  return lines.slice(1).map((line, i) => {
    const v = line.split(',').map(Number);
    if (v.length !== 5 || v.some((n) => !Number.isFinite(n)))
      throw new Error(`CDNOW summary CSV: bad row ${i + 2}`);
    return { id: v[0]!, x: v[1]!, tx: v[2]!, T: v[3]!, zbar: v[4]! };
  });
}

export interface CustomerSummary extends CustomerRfm {
  readonly id: number;
  readonly meanRepeatSpend: number;
  /** first purchase, weeks after the cohort start */
  readonly birthWeek: number;
  /** repeat purchase days per day offset after the cohort start (for the weekly curve) */
  readonly repeatDayOffsets: readonly number[];
  /** repeat purchase days in the holdout weeks */
  readonly holdoutPurchases: number;
}

export interface SummaryMismatch {
  readonly id: number;
  readonly expected?: ExpectedSummaryRow;
  readonly actual?: { x: number; tx: number; T: number; zbar: number };
}

export interface ClvEvaluation {
  readonly summaryMismatches: number;
  readonly mismatchExamples: readonly SummaryMismatch[];
  readonly customers: number;
  readonly events: number;
  readonly bgnbd: Pick<FittedBgNbd, 'r' | 'alpha' | 'a' | 'b' | 'logLikelihood'>;
  readonly gammaGamma: Pick<FittedGammaGamma, 'p' | 'q' | 'v'> & { logLikelihood: number; customers: number };
  readonly holdout: {
    readonly weeks: string;
    readonly customers: number;
    readonly actualRepeatPurchases: number;
    readonly predictedRepeatPurchases: number;
    /** mean absolute error of predicted vs actual repeat purchases per customer */
    readonly mae: number;
    readonly rmse: number;
    /** cumulative repeat purchases of the cohort at the end of each week since 1997-01-01 */
    readonly cumulative: readonly { week: number; actual: number; predicted: number }[];
  };
  readonly fitMilliseconds: { bgnbd: number; gammaGamma: number };
}

const round2 = (n: number): number => Math.round(n * 100 + 1e-9) / 100;

/** Reads the calibration summaries back from the sink's profiles. */
export async function readCdnowSummaries(sink: ProfileSink, kpi: KpiConfig): Promise<CustomerSummary[]> {
  const cohortDay = dayOf(CDNOW.cohortStart.getTime());
  const endDay = dayOf(CDNOW.calibrationEnd.getTime());
  const holdoutEndDay = endDay + CDNOW.holdoutWeeks * 7;
  const out: CustomerSummary[] = [];
  for await (const profile of sink.profiles()) {
    const source = profile.sourceCustomerIds.find((s) =>
      s.startsWith(`${CDNOW.sourceSystem}:${CDNOW.customerPrefix}`),
    );
    if (!source) continue;
    const id = Number(source.slice(`${CDNOW.sourceSystem}:${CDNOW.customerPrefix}`.length));
    const s = repeatPurchaseSummary(profile.aggregates, kpi, CDNOW.calibrationEnd);
    if (!s) continue;
    const days = purchaseDayList(profile.aggregates, kpi);
    out.push({
      id,
      x: s.x,
      tx: s.tx,
      T: s.T,
      meanRepeatSpend: s.meanRepeatSpend,
      birthWeek: (s.firstDay - cohortDay) / 7,
      repeatDayOffsets: days.filter((d) => d.day > s.firstDay).map((d) => d.day - cohortDay),
      holdoutPurchases: days.filter((d) => d.day > endDay && d.day <= holdoutEndDay).length,
    });
  }
  return out.sort((a, b) => a.id - b.id);
}

/** Summaries vs the published CSV, to its two decimals. */
export function compareSummaries(
  actual: readonly CustomerSummary[],
  expected: readonly ExpectedSummaryRow[],
): SummaryMismatch[] {
  const byId = new Map(actual.map((s) => [s.id, s]));
  const mismatches: SummaryMismatch[] = [];
  for (const e of expected) {
    const a = byId.get(e.id);
    byId.delete(e.id);
    if (!a) {
      mismatches.push({ id: e.id, expected: e });
      continue;
    }
    const mine = { x: a.x, tx: round2(a.tx), T: round2(a.T), zbar: round2(a.meanRepeatSpend) };
    if (mine.x !== e.x || mine.tx !== e.tx || mine.T !== e.T || mine.zbar !== e.zbar) {
      mismatches.push({ id: e.id, expected: e, actual: mine });
    }
  }
  for (const a of byId.values()) {
    mismatches.push({ id: a.id, actual: { x: a.x, tx: a.tx, T: a.T, zbar: a.meanRepeatSpend } });
  }
  return mismatches;
}

export interface EvaluateClvInput {
  readonly events: AsyncIterable<ChannelEvent> | Iterable<ChannelEvent>;
  readonly sink: ProfileSink;
  readonly expected: readonly ExpectedSummaryRow[];
  readonly kpi: KpiConfig;
  /** a monotonic clock in milliseconds, for the fit timings (performance.now in the CLI) */
  readonly now?: () => number;
}

/** Build events -> feed the sink -> read summaries -> compare, fit, and check the holdout. */
export async function evaluateClv(input: EvaluateClvInput): Promise<ClvEvaluation> {
  const now = input.now ?? (() => 0);
  let events = 0;
  for await (const event of input.events) {
    await input.sink.accept(event);
    events += 1;
  }
  const summaries = await readCdnowSummaries(input.sink, input.kpi);
  const mismatches = compareSummaries(summaries, input.expected);

  let t0 = now();
  const bg = fitBgNbd(summaries);
  const bgMs = now() - t0;
  t0 = now();
  const gg = fitGammaGamma(summaries.map((s) => ({ x: s.x, meanSpend: s.meanRepeatSpend })));
  const ggMs = now() - t0;

  const horizon = CDNOW.holdoutWeeks;
  let absError = 0;
  let sqError = 0;
  let actualTotal = 0;
  let predictedTotal = 0;
  for (const s of summaries) {
    const predicted = expectedPurchases(bg, s, horizon);
    absError += Math.abs(predicted - s.holdoutPurchases);
    sqError += (predicted - s.holdoutPurchases) ** 2;
    actualTotal += s.holdoutPurchases;
    predictedTotal += predicted;
  }
  const totalWeeks =
    Math.round((dayOf(CDNOW.calibrationEnd.getTime()) - dayOf(CDNOW.cohortStart.getTime()) + 1) / 7) +
    horizon;
  // Customers share a handful of first-purchase days: the unconditional curve is computed once per day.
  const births = new Map<number, number>();
  const repeatsByWeek = new Array<number>(totalWeeks + 1).fill(0);
  for (const s of summaries) {
    births.set(s.birthWeek, (births.get(s.birthWeek) ?? 0) + 1);
    for (const d of s.repeatDayOffsets) {
      const week = Math.floor(d / 7) + 1;
      if (week <= totalWeeks) repeatsByWeek[week]! += 1;
    }
  }
  const cumulative: { week: number; actual: number; predicted: number }[] = [];
  let actual = 0;
  for (let week = 1; week <= totalWeeks; week++) {
    actual += repeatsByWeek[week]!;
    let predicted = 0;
    for (const [birthWeek, count] of births)
      predicted += count * expectedPurchasesNewCustomer(bg, week - birthWeek);
    cumulative.push({ week, actual, predicted: Math.round(predicted * 100) / 100 });
  }
  const n = summaries.length;
  const ggLL = gg.logLikelihood;
  return {
    summaryMismatches: mismatches.length,
    mismatchExamples: mismatches.slice(0, 10),
    customers: n,
    events,
    bgnbd: { r: bg.r, alpha: bg.alpha, a: bg.a, b: bg.b, logLikelihood: bg.logLikelihood },
    gammaGamma: { p: gg.p, q: gg.q, v: gg.v, logLikelihood: ggLL, customers: gg.customers },
    holdout: {
      weeks: `${totalWeeks - horizon + 1}-${totalWeeks}`,
      customers: n,
      actualRepeatPurchases: actualTotal,
      predictedRepeatPurchases: predictedTotal,
      mae: n > 0 ? absError / n : 0,
      rmse: n > 0 ? Math.sqrt(sqError / n) : 0,
      cumulative,
    },
    fitMilliseconds: { bgnbd: bgMs, gammaGamma: ggMs },
  };
}

export { DAY_MS };
