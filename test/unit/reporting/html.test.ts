import { describe, expect, it } from 'vitest';
import { emptyAggregates } from '../../../lambdas/core/analytics/aggregates.js';
import { renderReport } from '../../../lambdas/core/reporting/html.js';
import { buildReportModel, type ReportProfile } from '../../../lambdas/core/reporting/model.js';
import { AS_OF, GENERATED_AT, handMadeInterventions, handMadeProfiles, storedModels } from './fixtures.js';

const HOSTILE = '<script>alert(1)</script>';
const HOSTILE_ATTR = '"><img src=x onerror=alert(2)>';

async function fullReport(profiles: ReportProfile[] = handMadeProfiles()): Promise<string> {
  const model = await buildReportModel(profiles, {
    asOf: AS_OF,
    generatedAt: GENERATED_AT,
    models: storedModels(),
    interventions: handMadeInterventions(),
    promotionWindowDays: 30,
  });
  return renderReport(model);
}

const figures = (html: string) =>
  [...html.matchAll(/<figure class="chart-figure">([\s\S]*?)<\/figure>/g)].map((m) => m[1]!);
const count = (html: string, s: string) => html.split(s).length - 1;

describe('report HTML', () => {
  it('escapes hostile text from the data and the options everywhere it appears', async () => {
    // Prepare: a promotion code and a segment id as a channel system or a configuration could send them.
    const profiles = handMadeProfiles();
    const a = profiles[0]!;
    const order = a.aggregates.orders.o2!;
    profiles[0] = {
      ...a,
      aggregates: { ...a.aggregates, orders: { ...a.aggregates.orders, o2: { ...order, promo: [HOSTILE] } } },
      segments: [HOSTILE_ATTR],
    };
    // Act
    const model = await buildReportModel(profiles, {
      asOf: AS_OF,
      generatedAt: GENERATED_AT,
      title: `Q2 <b>review</b> ${HOSTILE}`,
      dataSource: `</title>${HOSTILE_ATTR}`,
      promotionWindowDays: 30,
    });
    const html = renderReport(model);
    // Assess
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>review');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain(
      '<title>Q2 &lt;b&gt;review&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;</title>',
    );
    expect(count(html, '</title>')).toBe(count(html, '<title')); // no title closed early
  });

  it('is one self-contained page: no script, no external resource, nothing fetched', async () => {
    // Act
    const html = await fullReport();
    // Assess
    expect(html.startsWith('<!doctype html>\n<html lang="en-GB">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    for (const forbidden of ['<script', '<link', '<img', '<iframe', '@import', 'url(', 'src=', '@font-face'])
      expect(html).not.toContain(forbidden);
    for (const tag of ['svg', 'figure', 'table', 'section', 'dl', 'ul'])
      expect(count(html, `<${tag}`), tag).toBe(count(html, `</${tag}>`));
  });

  it('gives every chart a title, a description, axis labels and a table of its numbers', async () => {
    // Act
    const html = await fullReport();
    // Assess
    const charts = [...html.matchAll(/<svg [^>]*>[\s\S]*?<\/svg>/g)].map((m) => m[0]);
    expect(charts.length).toBe(9); // 2 segment, CLV, churn-value, returns, promotions, friction, 2 interventions
    for (const svg of charts) {
      const id = /aria-labelledby="([a-z0-9-]+)-title \1-desc"/.exec(svg)?.[1];
      expect(id, svg.slice(0, 200)).toBeDefined();
      expect(svg).toContain('role="img"');
      expect(svg).toMatch(new RegExp(`<title id="${id}-title">[^<]{5,}</title>`));
      expect(svg).toMatch(new RegExp(`<desc id="${id}-desc">[^<]{10,}</desc>`));
      expect(count(svg, 'font-weight="600"')).toBeGreaterThanOrEqual(2); // both axes named
    }
    const withCharts = figures(html);
    expect(withCharts.reduce((n, f) => n + count(f, '<svg'), 0)).toBe(charts.length);
    for (const f of withCharts) {
      expect(f).toMatch(/<table><caption>[^<]+<\/caption><thead>/);
      expect(f).toMatch(/<figcaption>[^<]+<\/figcaption>/);
    }
  });

  it('shows the figures a business user asked for, with the KPI names of kpi.ts', async () => {
    // Act
    const html = await fullReport();
    // Assess
    for (const heading of [
      'Headline KPIs',
      'Segments: size and value',
      'Customer lifetime value',
      'Churn risk against value',
      'Return reasons',
      'Promotion effectiveness',
      'Service friction and churn risk',
      'Model parameters',
      'Interventions',
    ])
      expect(html).toContain(`>${heading}</h2>`);
    for (const kpi of ['Active customers', 'Repeat customers', 'Return rate', 'Margin contribution'])
      expect(html).toContain(`<dt>${kpi}</dt>`);
    expect(html).toContain('<dd class="value">£550</dd>'); // revenue
    expect(html).toContain('<dd class="value">-£53</dd>'); // margin contribution
    expect(html).toContain('<dd class="value">40.0%</dd>'); // return rate 2 of 5 orders
    expect(html).toContain('Margin-destructive');
    expect(html).toContain('2025-05-01 to 2026-06-11'); // the data window of the stored fit
    expect(html).toContain('2026-06-30 02:00 UTC'); // its fit date
    expect(html).toContain('<td class="num">1.2510</td>'); // BG/NBD r
  });

  it('leaves the interventions section out when there are no outcomes, and never prints a customer id', async () => {
    // Act
    const model = await buildReportModel(handMadeProfiles(), { asOf: AS_OF, generatedAt: GENERATED_AT });
    const html = renderReport(model);
    const withInterventions = await fullReport();
    // Assess
    expect(html).not.toContain('id="interventions"');
    expect(withInterventions).toContain('id="interventions"');
    for (const page of [html, withInterventions]) expect(page).not.toMatch(/cus_[0-9a-z]+/);
  });

  it('renders an empty customer base without failing and says why sections are empty', async () => {
    // Act
    const model = await buildReportModel([{ customerId: 'cus_emptyempty', aggregates: emptyAggregates() }], {
      asOf: AS_OF,
      generatedAt: GENERATED_AT,
    });
    const html = renderReport(model);
    // Assess
    expect(html).toContain('No customer has a CLV score yet');
    expect(html).toContain('No fitted parameters were given');
    expect(html).toContain('No redemption has a complete follow-up window yet');
  });
});
