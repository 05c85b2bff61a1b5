/**
 * Renders the report model as one self-contained HTML page: inline CSS, inline SVG charts, no script, no
 * external font or image, readable in print. Every chart sits in a figure with its numbers in a table
 * below it (for screen readers, for print, and for anyone who wants the figures). All text is escaped.
 */
import type { ReasonCode } from '../contracts/common.js';
import { barChart, columnChart, groupedBarChart, heatmap, PALETTE } from './charts.js';
import { escapeHtml as esc } from './escape.js';
import type { GroupOutcome } from './interventions.js';
import type { ReportModel, SegmentRow } from './model.js';

export interface RenderOptions {
  /** number formatting locale (default en-GB) */
  readonly locale?: string;
}

const SEGMENT_NAMES: Readonly<Record<string, string>> = {
  'high-value-churn-risk': 'High value, at risk of churn',
  'margin-destructive': 'Margin-destructive',
  'service-friction': 'Service friction',
  'all-customers': 'All customers',
};
const SEGMENT_COLOURS: Readonly<Record<string, string>> = {
  'high-value-churn-risk': PALETTE.blue,
  'margin-destructive': PALETTE.vermillion,
  'service-friction': PALETTE.orange,
};
const REASON_NAMES: Readonly<Record<ReasonCode, string>> = {
  damaged: 'Damaged',
  wrong_item: 'Wrong item',
  size_or_fit: 'Size or fit',
  not_as_described: 'Not as described',
  late_delivery: 'Late delivery',
  changed_mind: 'Changed mind',
  other: 'Other',
};

export const segmentName = (id: string): string =>
  SEGMENT_NAMES[id] ?? (id.charAt(0).toUpperCase() + id.slice(1)).replaceAll('-', ' ');

interface Formats {
  int(n: number): string;
  pct(n: number): string;
  money(n: number): string;
  moneyExact(n: number): string;
  dec(n: number, digits?: number): string;
  date(iso: string): string;
}

function formats(model: ReportModel, locale: string): Formats {
  const currency = model.currency;
  const moneyFormat = (digits: number) =>
    currency
      ? new Intl.NumberFormat(locale, {
          style: 'currency',
          currency,
          maximumFractionDigits: digits,
          minimumFractionDigits: digits,
        })
      : new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const whole = moneyFormat(0);
  const exact = moneyFormat(2);
  const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  return {
    int: (n) => int.format(n),
    pct: (n) => `${(n * 100).toFixed(1)}%`,
    money: (n) => whole.format(n),
    moneyExact: (n) => exact.format(n),
    dec: (n, digits = 2) => n.toFixed(digits),
    date: (iso) => iso.slice(0, 10),
  };
}

interface Column {
  readonly head: string;
  /** right-aligned numbers */
  readonly numeric?: boolean;
}

function table(caption: string, columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const head = columns
    .map((c) => `<th scope="col"${c.numeric ? ' class="num"' : ''}>${esc(c.head)}</th>`)
    .join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r
          .map((cell, i) =>
            i === 0
              ? `<th scope="row">${esc(cell)}</th>`
              : `<td${columns[i]?.numeric ? ' class="num"' : ''}>${esc(cell)}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('');
  return `<table><caption>${esc(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function figure(svg: string, caption: string, dataTable: string): string {
  return `<figure class="chart-figure">${svg}<figcaption>${esc(caption)}</figcaption>${dataTable}</figure>`;
}

const plural = (n: number, one: string, many: string): string =>
  `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
/** duplicateOrder -> "duplicate order" */
const ruleName = (rule: string): string => rule.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);

const section = (id: string, title: string, body: string): string =>
  `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${esc(title)}</h2>${body}</section>`;
const para = (text: string, cls = ''): string => `<p${cls ? ` class="${cls}"` : ''}>${esc(text)}</p>`;

export function renderReport(model: ReportModel, options: RenderOptions = {}): string {
  const f = formats(model, options.locale ?? 'en-GB');
  const sections: [string, string, string][] = [
    ['kpis', 'Headline KPIs', kpiSection(model, f)],
    ['segments', 'Segments: size and value', segmentSection(model, f)],
    ['clv', 'Customer lifetime value', clvSection(model, f)],
    ['churn-value', 'Churn risk against value', churnValueSection(model, f)],
    ['returns', 'Return reasons', returnsSection(model, f)],
    ['promotions', 'Promotion effectiveness', promotionsSection(model, f)],
    ['friction', 'Service friction and churn risk', frictionSection(model, f)],
    ['models', 'Model parameters', modelsSection(model, f)],
  ];
  if (model.interventions) sections.push(['interventions', 'Interventions', interventionsSection(model, f)]);
  sections.push(['data-notes', 'About the data', dataNotesSection(model, f)]);
  const meta = [
    `Figures as of ${f.date(model.asOf)}`,
    `generated ${model.generatedAt.slice(0, 16).replace('T', ' ')} UTC`,
    ...(model.currency ? [`money in ${model.currency}`] : []),
    ...(model.dataSource ? [`source: ${model.dataSource}`] : []),
  ].join(' · ');
  return [
    '<!doctype html>',
    '<html lang="en-GB">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(model.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${esc(model.title)}</h1>${para(meta, 'meta')}</header>`,
    `<nav aria-label="Contents"><ol>${sections.map(([id, title]) => `<li><a href="#${id}">${esc(title)}</a></li>`).join('')}</ol></nav>`,
    '<main>',
    ...sections.map(([id, title, body]) => section(id, title, body)),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function kpiSection(model: ReportModel, f: Formats): string {
  const h = model.headline;
  const k = model.kpiConfig;
  const share = (n: number) => (h.customers > 0 ? f.pct(n / h.customers) : '–');
  const cards: [string, string, string][] = [
    ['Customers', f.int(h.customers), `${f.int(h.orders)} orders`],
    ['Active customers', f.int(h.activeCustomers), `${share(h.activeCustomers)} of customers`],
    ['Repeat customers', f.int(h.repeatCustomers), `${share(h.repeatCustomers)} of customers`],
    ['Revenue', f.money(h.revenue), `after ${f.money(h.discount)} of line discounts`],
    [
      'Margin contribution',
      f.money(h.marginContribution),
      h.revenue > 0 ? `${f.pct(h.marginContribution / h.revenue)} of revenue` : '',
    ],
    [
      'Return rate',
      f.pct(h.returnRate),
      h.returnRateBasis === 'orders'
        ? `${f.int(h.returnedOrders)} of ${f.int(h.orders)} orders`
        : `${f.money(h.refunds)} refunded`,
    ],
  ];
  const dl = `<dl class="kpis">${cards
    .map(
      ([name, value, note]) =>
        `<div class="kpi"><dt>${esc(name)}</dt><dd class="value">${esc(value)}</dd><dd class="note">${esc(note)}</dd></div>`,
    )
    .join('')}</dl>`;
  const definitions = [
    `Active customer: last purchase within ${k.activeWindowDays} days of ${f.date(model.asOf)}.`,
    `Repeat customer: purchases on at least ${k.repeatMinPurchaseDays} distinct days (several orders on one day are one purchase).`,
    k.returnRateBasis === 'orders'
      ? 'Return rate: returned orders / orders (completed returns only).'
      : 'Return rate: refunded value / net merchandise revenue (completed returns only).',
    'Revenue: net merchandise revenue (list price x quantity - line discounts; no tax or shipping).',
    `Margin contribution: revenue - cost of goods - refunds + ${f.pct(k.returnedGoodsRecoveryRate)} of the cost of returned goods - ${f.moneyExact(k.returnHandlingCost)} per return - ${f.moneyExact(k.ticketHandlingCost)} per service ticket; lines without a unit cost are costed at ${f.pct(k.defaultCostRatio)} of revenue.`,
  ];
  return `${dl}<details open><summary>Definitions (the same for marketing and finance)</summary><ul class="definitions">${definitions.map((d) => `<li>${esc(d)}</li>`).join('')}</ul></details>`;
}

function segmentSection(model: ReportModel, f: Formats): string {
  const rows = model.segments;
  const charted = rows.filter((r) => r.id !== 'all-customers');
  const all = rows.find((r) => r.id === 'all-customers');
  const sizes = barChart({
    id: 'chart-segment-sizes',
    title: 'Customers per segment',
    description: `Number of customers in each segment: ${charted.map((r) => `${segmentName(r.id)} ${r.customers}`).join(', ')}.`,
    bars: charted.map((r) => ({
      label: segmentName(r.id),
      value: r.customers,
      valueLabel: `${f.int(r.customers)} (${f.pct(r.share)})`,
      colour: SEGMENT_COLOURS[r.id] ?? PALETTE.skyBlue,
    })),
    valueAxis: 'Customers',
    categoryAxis: 'Segment',
    format: f.int,
  });
  const margin = barChart({
    id: 'chart-segment-margin',
    title: 'Margin contribution per segment',
    description: `Summed margin contribution of each segment's customers in ${model.currency ?? 'the report currency'}; a bar left of zero loses money.`,
    bars: charted.map((r) => ({
      label: segmentName(r.id),
      value: r.marginContribution,
      valueLabel: f.money(r.marginContribution),
      colour: SEGMENT_COLOURS[r.id] ?? PALETTE.skyBlue,
    })),
    valueAxis: `Margin contribution (${model.currency ?? 'report currency'})`,
    categoryAxis: 'Segment',
    format: f.money,
  });
  const perCustomer = (r: SegmentRow, v: number) => (r.customers > 0 ? f.money(v / r.customers) : '–');
  const data = table(
    'Segments, their size and value',
    [
      { head: 'Segment' },
      { head: 'Customers', numeric: true },
      { head: 'Share', numeric: true },
      { head: 'Revenue', numeric: true },
      { head: 'Margin contribution', numeric: true },
      { head: 'Margin per customer', numeric: true },
      { head: 'Expected CLV', numeric: true },
      { head: 'Mean churn probability', numeric: true },
    ],
    rows.map((r) => [
      segmentName(r.id),
      f.int(r.customers),
      f.pct(r.share),
      f.money(r.revenue),
      f.money(r.marginContribution),
      perCustomer(r, r.marginContribution),
      f.money(r.expectedClv),
      r.meanChurnProbability !== undefined ? f.pct(r.meanChurnProbability) : '–',
    ]),
  );
  const descriptions = `<ul class="definitions">${charted.map((r) => `<li><strong>${esc(segmentName(r.id))}</strong>: ${esc(r.description)}.</li>`).join('')}</ul>`;
  const intro = all
    ? para(
        `A customer can be in several segments. Of ${f.int(all.customers)} customers, the segments below hold those someone should act on.`,
      )
    : '';
  return `${intro}${descriptions}${figure(`${sizes}${margin}`, 'How many customers each segment holds (share of all customers in brackets), and what each contributes to margin; a segment left of zero loses money.', data)}`;
}

function clvSection(model: ReportModel, f: Formats): string {
  const c = model.clv;
  if (c.customers === 0)
    return para(
      'No customer has a CLV score yet: the models have not been fitted, or no customer has purchased.',
    );
  const chart = columnChart({
    id: 'chart-clv-histogram',
    title: 'Distribution of expected customer lifetime value',
    description: `Number of customers in each band of expected CLV (${model.currency ?? 'report currency'}), ${c.customers} customers in all.`,
    columns: c.bins.map((b) => ({
      label: b.label,
      value: b.customers,
      colour: b.to !== undefined && b.to <= 0 ? PALETTE.vermillion : PALETTE.blue,
    })),
    valueAxis: 'Customers',
    categoryAxis: `Expected CLV (${model.currency ?? 'report currency'})`,
    format: f.int,
    histogram: true,
  });
  const data = table(
    'Customers per CLV band',
    [{ head: 'Expected CLV' }, { head: 'Customers', numeric: true }, { head: 'Share', numeric: true }],
    c.bins.map((b) => [b.label, f.int(b.customers), f.pct(b.customers / c.customers)]),
  );
  const h = model.models?.clv;
  const horizon = h
    ? ` over ${Math.round(h.horizonWeeks / 52)} years, discounted at ${f.pct(h.annualDiscountRate)} a year,`
    : '';
  return `${para(`Expected CLV is the margin a customer is expected to bring${horizon} from BG/NBD (how many more purchases) and Gamma-Gamma (how much each). Total ${f.money(c.total)}; mean ${f.money(c.mean ?? 0)}, median ${f.money(c.median ?? 0)}, 90th percentile ${f.money(c.p90 ?? 0)}.`)}${figure(chart, 'Bands are right-open (a customer at exactly a band edge is in the band above). The last band is open-ended so that a few very large values do not flatten the rest.', data)}`;
}

function churnValueSection(model: ReportModel, f: Formats): string {
  const g = model.churnValue;
  if (g.customers === 0) return para('No customer has both a churn probability and a value percentile yet.');
  const chart = heatmap({
    id: 'chart-churn-value',
    title: 'Customers by churn probability and value at stake',
    description: `A grid of ${g.customers} customers: value-at-stake percentile (rows, highest at the top) against churn probability (columns, rising to the right). The top-right cells are valuable customers likely to be lost.`,
    columns: g.churnBands,
    rows: g.valueBands,
    counts: g.counts,
    columnAxis: 'Churn probability (1 - P(alive), BG/NBD)',
    rowAxis: 'Value at stake',
  });
  const data = table(
    'Customers per cell (expected CLV in brackets)',
    [{ head: 'Value at stake' }, ...g.churnBands.map((b) => ({ head: `Churn ${b}`, numeric: true }))],
    g.valueBands.map((band, i) => [
      band,
      ...g.counts[i]!.map((n, j) => `${f.int(n)} (${f.money(g.expectedClv[i]![j]!)})`),
    ]),
  );
  const topRight = g.counts[0]!.slice(Math.ceil(g.churnBands.length / 2)).reduce((s, n) => s + n, 0);
  return `${para(`Value at stake is the customer's percentile of CLV if they stay (what is lost if they go). ${f.int(topRight)} customers are in the top value band with a churn probability of at least 60%.`)}${figure(chart, 'Darker cells hold more customers; the count is printed in each cell.', data)}`;
}

function returnsSection(model: ReportModel, f: Formats): string {
  const r = model.returnReasons;
  const h = model.headline;
  const summary = para(
    `${f.int(r.completed)} completed returns on ${f.int(h.returnedOrders)} orders, ${f.money(h.refunds)} refunded; ${f.int(r.requested)} return requests not yet completed. Return rate ${f.pct(h.returnRate)}.`,
  );
  if (r.rows.length === 0) return `${summary}${para('No completed return carries a reason yet.')}`;
  const chart = barChart({
    id: 'chart-return-reasons',
    title: 'Completed returns by reason',
    description: `Completed returns per stated reason: ${r.rows.map((x) => `${REASON_NAMES[x.reason]} ${x.returns}`).join(', ')}.`,
    bars: r.rows.map((x) => ({
      label: REASON_NAMES[x.reason],
      value: x.returns,
      valueLabel: `${f.int(x.returns)} (${f.pct(x.share)})`,
      colour: x.reason === 'late_delivery' || x.reason === 'damaged' ? PALETTE.orange : PALETTE.blue,
    })),
    valueAxis: 'Completed returns',
    categoryAxis: 'Reason',
    format: f.int,
  });
  const data = table(
    'Completed returns per reason',
    [{ head: 'Reason' }, { head: 'Returns', numeric: true }, { head: 'Share', numeric: true }],
    r.rows.map((x) => [REASON_NAMES[x.reason], f.int(x.returns), f.pct(x.share)]),
  );
  return `${summary}${figure(chart, 'Reasons the retailer can act on (damage, late delivery) are in orange.', data)}`;
}

function promotionsSection(model: ReportModel, f: Formats): string {
  const p = model.promotions;
  const evaluated = p.effects.filter((e) => e.evaluated > 0);
  const intro = para(
    `For each promotion code or campaign: what redeemers did in the ${p.windowDays} days after redeeming, against comparable customers buying at full price (matched on how many orders they had placed before). Only redemptions whose ${p.windowDays}-day window has ended count.`,
  );
  if (evaluated.length === 0) return `${intro}${para('No redemption has a complete follow-up window yet.')}`;
  const shown = evaluated.slice(0, 12);
  const chart = groupedBarChart({
    id: 'chart-promotions',
    title: `Repeat purchase within ${p.windowDays} days: redeemers against comparable customers`,
    description: `For the ${shown.length} promotions with the most redeemers, the share of redeemers who bought again within ${p.windowDays} days, beside the share for comparable full-price customers.`,
    series: [
      { name: 'Redeemers', colour: PALETTE.blue },
      { name: 'Redeemers buying again at full price', colour: PALETTE.green },
      { name: 'Comparable customers', colour: PALETTE.grey },
    ],
    categories: shown.map((e) => ({
      label: e.promotion,
      values: [e.repeatRate, e.fullPriceRepeatRate, e.comparison.repeatRate],
    })),
    valueAxis: `Share buying again within ${p.windowDays} days`,
    categoryAxis: 'Promotion',
    format: f.pct,
  });
  const data = table(
    'Promotion effectiveness: redeemers, with comparable customers after "vs"',
    [
      { head: 'Promotion' },
      { head: 'Redeemers (evaluated)', numeric: true },
      { head: 'Repeat', numeric: true },
      { head: 'Lift (points)', numeric: true },
      { head: 'Full-price repeat', numeric: true },
      { head: 'Return rate', numeric: true },
      { head: 'Margin per order', numeric: true },
      { head: 'Discount cost', numeric: true },
    ],
    p.effects.map((e) => [
      e.promotion,
      `${f.int(e.redeemers)} (${f.int(e.evaluated)})`,
      ...(e.evaluated === 0
        ? Array<string>(6).fill('–')
        : [
            `${f.pct(e.repeatRate)} vs ${f.pct(e.comparison.repeatRate)}`,
            (e.repeatLift * 100).toFixed(1),
            `${f.pct(e.fullPriceRepeatRate)} vs ${f.pct(e.comparison.fullPriceRepeatRate)}`,
            `${f.pct(e.returnRate)} vs ${f.pct(e.comparison.returnRate)}`,
            `${f.moneyExact(e.marginPerOrder)} vs ${f.moneyExact(e.comparison.marginPerOrder)}`,
            f.money(e.discountCost),
          ]),
    ]),
  );
  const pending = p.effects.length - evaluated.length;
  const pendingNote =
    pending > 0
      ? para(
          `${plural(pending, 'promotion was', 'promotions were')} redeemed too recently to evaluate (shown as – in the table).`,
        )
      : '';
  return `${intro}${pendingNote}${figure(chart, 'A promotion that drives loyalty shows redeemers buying again, and at full price, more often than comparable customers; one that buys discount dependency shows repeat purchases only with another discount.', data)}`;
}

function frictionSection(model: ReportModel, f: Formats): string {
  const s = model.serviceFriction;
  const facts = para(
    `${f.int(s.delayedOrders)} orders were delivered late (by ${s.meanDelayDays.toFixed(1)} days on average); ${f.int(s.openTickets)} service tickets are open and ${f.int(s.unsolvedTickets)} were closed unsolved; ${f.int(s.escalatedTickets)} were escalated.`,
  );
  const scored = s.groups.filter((g) => g.meanChurnProbability !== undefined);
  if (scored.length === 0) return `${facts}${para('No customer has a churn probability yet.')}`;
  const chart = barChart({
    id: 'chart-friction-churn',
    title: 'Mean churn probability by service experience',
    description: `Mean churn probability of customers with no service problem, a delayed delivery, an unresolved ticket, or both: ${scored.map((g) => `${g.label} ${f.pct(g.meanChurnProbability!)}`).join(', ')}.`,
    bars: scored.map((g) => ({
      label: g.label,
      value: g.meanChurnProbability!,
      valueLabel: `${f.pct(g.meanChurnProbability!)} (${f.int(g.customers)} customers)`,
      colour: g.id === 'none' ? PALETTE.grey : g.id === 'both' ? PALETTE.vermillion : PALETTE.orange,
    })),
    valueAxis: 'Mean churn probability',
    categoryAxis: 'Service experience',
    format: f.pct,
  });
  const data = table(
    'Churn risk by service experience',
    [
      { head: 'Service experience' },
      { head: 'Customers', numeric: true },
      { head: 'Mean churn probability', numeric: true },
      { head: `At risk (churn ≥ ${f.pct(s.atRiskLevel)})`, numeric: true },
      { head: 'Mean service-friction score', numeric: true },
      { head: 'In the service-friction segment', numeric: true },
    ],
    s.groups.map((g) => [
      g.label,
      f.int(g.customers),
      g.meanChurnProbability !== undefined ? f.pct(g.meanChurnProbability) : '–',
      g.atRiskShare !== undefined ? f.pct(g.atRiskShare) : '–',
      g.meanServiceFriction !== undefined ? f.pct(g.meanServiceFriction) : '–',
      f.int(g.inServiceFrictionSegment),
    ]),
  );
  return `${facts}${figure(chart, 'An unresolved ticket is one still open or closed as unsolved; a delay is any delivery reported late. Groups do not overlap.', data)}`;
}

function modelsSection(model: ReportModel, f: Formats): string {
  const m = model.models;
  if (!m)
    return para(
      'No fitted parameters were given: scores come from the profiles as stored. Fit them with the command tessera analytics fit.',
    );
  const fit = table(
    'Fit',
    [{ head: 'Item' }, { head: 'Value' }],
    [
      ['Fitted at', `${m.fittedAt.slice(0, 16).replace('T', ' ')} UTC`],
      ['Data window', `${f.date(m.dataWindow.from)} to ${f.date(m.dataWindow.to)}`],
      ['Calibration end', f.date(m.calibrationEnd)],
      ['Customers fitted', f.int(m.customers)],
      ['Time unit', m.timeUnit],
    ],
  );
  const params = table(
    'Parameters',
    [{ head: 'Model' }, { head: 'Parameter' }, { head: 'Value', numeric: true }],
    [
      ['BG/NBD', 'r (purchase-rate shape)', f.dec(m.bgnbd.r, 4)],
      ['BG/NBD', 'alpha (purchase-rate scale)', f.dec(m.bgnbd.alpha, 4)],
      ['BG/NBD', 'a (dropout)', f.dec(m.bgnbd.a, 4)],
      ['BG/NBD', 'b (dropout)', f.dec(m.bgnbd.b, 4)],
      [
        'BG/NBD',
        `log-likelihood${m.bgnbd.converged ? '' : ' (did not converge)'}`,
        f.dec(m.bgnbd.logLikelihood, 2),
      ],
      ['Gamma-Gamma', 'p', f.dec(m.gammaGamma.p, 4)],
      ['Gamma-Gamma', 'q', f.dec(m.gammaGamma.q, 4)],
      ['Gamma-Gamma', 'v', f.dec(m.gammaGamma.v, 4)],
      [
        'Gamma-Gamma',
        `log-likelihood${m.gammaGamma.converged ? '' : ' (did not converge)'}`,
        f.dec(m.gammaGamma.logLikelihood, 2),
      ],
      ['Gamma-Gamma', 'repeat customers fitted', f.int(m.gammaGamma.customers)],
      ['CLV', 'horizon (weeks)', f.int(m.clv.horizonWeeks)],
      ['CLV', 'annual discount rate', f.pct(m.clv.annualDiscountRate)],
    ],
  );
  const priorRows = (['returns', 'discounts'] as const).flatMap((kind) =>
    Object.entries(m.priors[kind]).map(([key, prior]) => [
      kind === 'returns' ? 'Return propensity' : 'Discount dependency',
      key,
      f.pct(prior.alpha / (prior.alpha + prior.beta)),
      f.dec(prior.alpha + prior.beta, 1),
      f.int(prior.customers),
    ]),
  );
  const priors = table(
    'Shrinkage priors (beta-binomial, empirical Bayes)',
    [
      { head: 'Score' },
      { head: 'Segment' },
      { head: 'Prior mean', numeric: true },
      { head: 'Prior strength (orders)', numeric: true },
      { head: 'Customers', numeric: true },
    ],
    priorRows,
  );
  return `${para('Scores use these stored parameters only; refit with the command tessera analytics fit (on AWS, the scheduled fitting job runs it).')}${fit}${params}${priors}`;
}

function interventionsSection(model: ReportModel, f: Formats): string {
  const s = model.interventions!;
  const b = s.byStatus;
  const statusChart = barChart({
    id: 'chart-intervention-status',
    title: 'Interventions by outcome',
    description: `${s.total} interventions: ${b.applied} approved and applied (${b.autoApproved} automatically), ${b.rejected} rejected, ${b.timedOut} timed out, ${b.holdout} held out, ${b.failed} failed.`,
    bars: [
      { label: 'Approved and applied', value: b.applied, colour: PALETTE.green },
      { label: 'Rejected', value: b.rejected, colour: PALETTE.vermillion },
      { label: 'Timed out', value: b.timedOut, colour: PALETTE.orange },
      { label: 'Holdout (no action)', value: b.holdout, colour: PALETTE.grey },
      { label: 'Failed', value: b.failed, colour: PALETTE.purple },
    ],
    valueAxis: 'Interventions',
    categoryAxis: 'Outcome',
    format: f.int,
  });
  const statusTable = table(
    'Interventions by outcome',
    [{ head: 'Outcome' }, { head: 'Interventions', numeric: true }],
    [
      ['Proposed (all)', f.int(s.total)],
      ['Approved and applied', f.int(b.applied)],
      ['of which approved automatically by policy', f.int(b.autoApproved)],
      ['Rejected', f.int(b.rejected)],
      ['Timed out', f.int(b.timedOut)],
      ['Holdout (no action, for measurement)', f.int(b.holdout)],
      ['Failed', f.int(b.failed)],
    ],
  );
  const t = s.timeToDecisionHours;
  const timing =
    t.decisions > 0
      ? para(
          `Time to decision by a person (${f.int(t.decisions)} decisions): median ${t.median!.toFixed(1)} h, 90th percentile ${t.p90!.toFixed(1)} h, mean ${t.mean!.toFixed(1)} h${t.withDecisionTime < t.decisions ? `; ${f.int(t.decisions - t.withDecisionTime)} without a recorded decision time are measured to completion` : ''}.`,
        )
      : para('No intervention has been decided by a person yet.');
  const groups: [string, GroupOutcome][] = [
    ['Treated', s.treated],
    ['Holdout', s.holdout],
    ['Rejected or timed out', s.notTreated],
  ];
  const effectChart = groupedBarChart({
    id: 'chart-intervention-effect',
    title: `Treated against holdout customers, ${s.windowDays} days after the trigger`,
    description: `Share buying again within ${s.windowDays} days and mean probability of still being active, for treated customers (${s.treated.evaluated}), the holdout (${s.holdout.evaluated}) and customers whose intervention was rejected or timed out (${s.notTreated.evaluated}).`,
    series: [
      { name: 'Treated', colour: PALETTE.blue },
      { name: 'Holdout', colour: PALETTE.grey },
      { name: 'Rejected or timed out', colour: PALETTE.orange },
    ],
    categories: [
      { label: `Repeat purchase within ${s.windowDays} days`, values: groups.map(([, g]) => g.repeatRate) },
      { label: 'Retention (mean P(alive) now)', values: groups.map(([, g]) => g.retention ?? null) },
    ],
    valueAxis: 'Share of customers',
    categoryAxis: 'Measure',
    format: f.pct,
  });
  const effectTable = table(
    `Outcomes within ${s.windowDays} days of the trigger`,
    [
      { head: 'Group' },
      { head: 'Evaluated', numeric: true },
      { head: 'Repeat purchase', numeric: true },
      { head: 'Retention (mean P(alive))', numeric: true },
      { head: 'Margin per customer', numeric: true },
      { head: 'Action cost per customer', numeric: true },
      { head: 'Margin after action cost', numeric: true },
    ],
    groups.map(([name, g]) => [
      name,
      f.int(g.evaluated),
      f.pct(g.repeatRate),
      g.retention !== undefined ? f.pct(g.retention) : '–',
      f.moneyExact(g.marginPerCustomer),
      f.moneyExact(g.costPerCustomer),
      f.moneyExact(g.marginPerCustomer - g.costPerCustomer),
    ]),
  );
  const notes = para(
    `Only interventions whose ${s.windowDays}-day window has ended are evaluated. The holdout is chosen at random from eligible customers, so treated against holdout is the effect of acting; rejected and timed-out cases were not chosen at random and are shown for context only.${s.missingCustomers > 0 ? ` ${plural(s.missingCustomers, 'intervention names', 'interventions name')} a customer not in this report's profiles.` : ''}`,
  );
  return `${figure(statusChart, 'Every intervention proposed, by how it ended.', statusTable)}${timing}${notes}${figure(effectChart, 'Treated customers buying again more often than the holdout is the lift the interventions bring.', effectTable)}`;
}

function dataNotesSection(model: ReportModel, f: Formats): string {
  const d = model.dataNotes;
  const other = Object.entries(d.otherCurrency);
  const lines = [
    `${f.int(d.profilesRead)} profiles read; ${f.int(model.headline.customers)} in the report.`,
    ...(other.length > 0
      ? [
          `Left out (money in another currency, no exchange rates): ${other.map(([c, n]) => `${f.int(n)} in ${c}`).join(', ')}.`,
        ]
      : []),
    ...(d.scoredAtReport > 0
      ? [
          `${plural(d.scoredAtReport, 'profile', 'profiles')} had no stored scores and ${d.scoredAtReport === 1 ? 'was' : 'were'} scored for this report with the stored parameters.`,
        ]
      : []),
    ...(d.unscored > 0
      ? [`${plural(d.unscored, 'profile has', 'profiles have')} no scores (no fitted parameters yet).`]
      : []),
    'The report holds no personal data: no names, addresses or contact details, and no customer ids.',
  ];
  const issues = Object.entries(d.inputIssues).filter(([, n]) => (n ?? 0) > 0);
  const issueTable =
    issues.length > 0
      ? table(
          'Bad or unusual input handled by explicit rules while the profiles were built',
          [{ head: 'Rule' }, { head: 'Times applied', numeric: true }],
          issues.map(([rule, n]) => [ruleName(rule), f.int(n ?? 0)]),
        )
      : para('No bad input was recorded on these profiles.');
  return `<ul class="definitions">${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>${issueTable}`;
}

const CSS = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1a1a1a;background:#fff}
header,nav,main{max-width:1040px;margin:0 auto;padding:0 24px}
header{padding-top:24px;border-bottom:3px solid #0072B2}
h1{font-size:28px;margin:0 0 4px}
h2{font-size:21px;margin:36px 0 10px;padding-top:8px;border-top:1px solid #ddd;break-after:avoid}
.meta{color:#444;margin:0 0 12px}
nav ol{columns:3;margin:12px 0;padding-left:20px;font-size:14px}
nav a{color:#0a4f8a}
.kpis{display:grid;grid-template-columns:repeat(3,1fr);gap:12px;margin:12px 0}
.kpi{border:1px solid #ccc;border-left:5px solid #0072B2;border-radius:4px;padding:10px 14px;break-inside:avoid}
.kpi dt{font-size:13px;color:#444;text-transform:uppercase;letter-spacing:.03em}
.kpi dd{margin:0}
.kpi .value{font-size:26px;font-weight:700}
.kpi .note{font-size:13px;color:#444}
.definitions{font-size:14px;color:#333;padding-left:20px}
details summary{cursor:pointer;font-weight:600;font-size:14px}
figure{margin:16px 0 24px;padding:0}
figcaption{font-size:13px;color:#444;margin:4px 0 8px}
svg.chart{display:block;max-width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0 16px;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid #888;background:#f4f6f8}
.num{text-align:right}
td.num{white-space:nowrap}
tbody th{font-weight:500}
@media (max-width:760px){.kpis{grid-template-columns:repeat(2,1fr)}nav ol{columns:1}}
@media print{
  @page{size:A4;margin:14mm}
  body{font-size:11pt}
  nav{display:none}
  header,main{max-width:none;padding:0}
  h2{break-before:auto}
  svg.chart,tr,.kpi{break-inside:avoid}
  *{print-color-adjust:exact;-webkit-print-color-adjust:exact}
}
`;
