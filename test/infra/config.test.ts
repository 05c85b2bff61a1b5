import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  readConfig,
  SETTINGS,
  sesIdentityOf,
  settingsMarkdownTable,
  TesseraConfigSchema,
} from '../../lib/config.js';

const configFrom = (context: Record<string, unknown>) => readConfig(new App({ context }).node);

describe('deployment configuration from CDK context', () => {
  it('uses the documented defaults when nothing is set', () => {
    // Act
    const config = configFrom({});

    // Assess
    expect(config.stage).toBe('dev');
    expect(config.alarmEmail).toBeUndefined();
    expect(config.maxClockSkewSeconds).toBe(300);
    expect(config.ingestSourceIds).toContain('pos');
    expect(config.ingestSourceIds).not.toContain('odoo');
  });

  it('overlays command-line -c tessera:<key> values on the cdk.json object, coercing strings', () => {
    // Prepare
    const context = {
      tessera: { stage: 'staging', archiveRetentionDays: 30 },
      'tessera:archiveRetentionDays': '90',
      'tessera:ingestSourceIds': 'pos, web-shop',
      'tessera:alarmEmail': 'ops@example.com',
    };

    // Act
    const config = configFrom(context);

    // Assess
    expect(config).toMatchObject({
      stage: 'staging',
      archiveRetentionDays: 90,
      ingestSourceIds: ['pos', 'web-shop'],
      alarmEmail: 'ops@example.com',
    });
  });

  it('fails the synth naming a key with a bad value', () => {
    expect(() => configFrom({ 'tessera:archiveRetentionDays': 'forever' })).toThrow(
      /tessera:archiveRetentionDays/,
    );
    expect(() => configFrom({ tessera: { logRetentionDays: 45 } })).toThrow(
      /tessera:logRetentionDays: must be one of the periods CloudWatch Logs accepts/,
    );
    expect(() => configFrom({ tessera: { alarmEmail: 'not-an-address' } })).toThrow(/tessera:alarmEmail/);
    expect(() => configFrom({ 'tessera:ingestSourceIds': 'pos,POS Terminal' })).toThrow(
      /tessera:ingestSourceIds\.1/,
    );
  });

  it('rejects a misspelt setting instead of silently using the default', () => {
    expect(() => configFrom({ 'tessera:alarmEmial': 'ops@example.com' })).toThrow(
      /unknown setting tessera:alarmEmial/,
    );
  });

  it('leaves Odoo and the approval sender unset by default, and checks settings that only work together', () => {
    // Act
    const defaults = configFrom({});

    // Assess
    expect(defaults.odooUrl).toBeUndefined();
    expect(defaults.approvalSenderAddress).toBeUndefined();
    expect(defaults).toMatchObject({ odooApi: 'auto', odooSyncMode: 'api' });
    expect(() =>
      configFrom({ 'tessera:odooUrl': 'https://odoo.example.com', 'tessera:odooApi': 'jsonrpc' }),
    ).toThrow(/tessera:odooDatabase: required when odooApi is jsonrpc; tessera:odooLogin/);
    expect(() => configFrom({ 'tessera:odooUrl': 'odoo.example.com' })).toThrow(/tessera:odooUrl/);
    expect(() => configFrom({ 'tessera:odooSyncMode': 'email' })).toThrow(/tessera:odooSyncMode/);
    expect(() =>
      configFrom({
        'tessera:approvalSenderAddress': 'approvals@other.example',
        'tessera:sesIdentity': 'retailer.example',
      }),
    ).toThrow(/approvals@other.example is not covered by the SES identity retailer.example/);
    expect(() => configFrom({ 'tessera:sesIdentity': 'retailer.example' })).toThrow(
      /tessera:approvalSenderAddress: required when sesIdentity is set/,
    );
  });

  it('sends approval mail through the sender domain unless an SES identity is configured', () => {
    // Act
    const byDomain = configFrom({ 'tessera:approvalSenderAddress': 'approvals@mail.retailer.example' });
    const byParent = configFrom({
      'tessera:approvalSenderAddress': 'approvals@mail.retailer.example',
      'tessera:sesIdentity': 'retailer.example',
    });

    // Assess
    expect(sesIdentityOf(byDomain)).toBe('mail.retailer.example');
    expect(sesIdentityOf(byParent)).toBe('retailer.example');
    expect(sesIdentityOf(configFrom({}))).toBeUndefined();
  });

  it('reads the golden record survivorship rules from cdk.json or the command line, naming a bad rule', () => {
    // Act
    const fromJson = configFrom({
      tessera: { identitySurvivorship: { attributes: { email: 'most-frequent' } } },
    });
    const fromFlag = configFrom({
      'tessera:identitySurvivorship':
        '{"attributes":{"address":{"rule":"source-priority","sources":["crm"]}}}',
    });

    // Assess
    expect(configFrom({}).identitySurvivorship).toBeUndefined();
    expect(fromJson.identitySurvivorship?.attributes).toEqual({ email: { rule: 'most-frequent' } });
    expect(fromFlag.identitySurvivorship?.attributes).toEqual({
      address: { rule: 'source-priority', sources: ['crm'] },
    });
    expect(() => configFrom({ 'tessera:identitySurvivorship': '{"attributes":{"phone":"newest"}}' })).toThrow(
      /tessera:identitySurvivorship\.attributes\.phone: a rule \(most-recent, most-frequent, source-priority\)/,
    );
  });

  it('documents every setting with its default and meaning for the README table', () => {
    // Assess
    expect(SETTINGS.map((s) => s.key)).toEqual(Object.keys(TesseraConfigSchema.shape));
    for (const setting of SETTINGS) {
      expect(setting.description.length, setting.key).toBeGreaterThan(20);
      expect(setting.default, setting.key).not.toBe('');
    }
    expect(SETTINGS.find((s) => s.key === 'maxClockSkewSeconds')?.default).toBe('300');
    expect(SETTINGS.find((s) => s.key === 'alarmEmail')?.default).toBe('none');
  });

  it('keeps the README configuration table equal to the generated one', () => {
    // Prepare
    const readme = readFileSync(resolve(process.cwd(), 'README.md'), 'utf8');

    // Act
    const block = readme.match(/<!-- settings:start -->\n([\s\S]*?)\n<!-- settings:end -->/)?.[1];

    // Assess: regenerate with settingsMarkdownTable() between the markers when a setting changes.
    expect(block).toBe(settingsMarkdownTable());
  });

  it('renders the settings as a Markdown table with one row per setting', () => {
    // Act
    const rows = settingsMarkdownTable().split('\n');

    // Assess
    expect(rows).toHaveLength(2 + SETTINGS.length);
    expect(rows).toContain(
      '| `logRetentionDays` | 30 | Days CloudWatch keeps function and API access logs. |',
    );
  });
});
