import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../lib/config.js';
import { TableLayouts } from '../../lib/shared/tables.js';
import { StatefulStack } from '../../lib/stateful-stack.js';
import { cdkJsonContext, resourcesOf } from './tessera-app-fixture.js';

// The stateful stack bundles no code, so it is cheap to synthesise per stage.
function synthStateful(overrides: Record<string, unknown> = {}) {
  const app = new App({ context: cdkJsonContext(overrides), builtinCloudFormationValidation: false });
  const stack = new StatefulStack(app, 'stateful', { config: readConfig(app.node) });
  return { stack, template: Template.fromStack(stack) };
}

const dev = synthStateful();
const prod = synthStateful({ 'tessera:stage': 'prod', 'tessera:archiveRetentionDays': '30' });

describe('stateful stack', () => {
  it('archives every event on the custom bus for replay, for the configured retention', () => {
    // Assess
    dev.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'tessera-dev' });
    prod.template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Bus'), 'Arn'] },
      EventPattern: { account: [{ Ref: 'AWS::AccountId' }] },
      RetentionDays: 30,
    });
  });

  it('creates one table per shared layout, with PITR, the customer-managed key, TTL and on-demand billing', () => {
    // Prepare
    const tables = resourcesOf(dev.template, 'AWS::DynamoDB::Table');
    const keyId = dev.stack.getLogicalId(dev.stack.key.node.defaultChild as never);

    // Assess
    expect(tables).toHaveLength(Object.keys(TableLayouts).length);
    for (const [key, layout] of Object.entries(TableLayouts)) {
      const table = dev.stack.tables[key as keyof typeof TableLayouts];
      expect(table.environmentVariable).toBe(`${key.toUpperCase()}_TABLE_NAME`);
      const logicalId = dev.stack.getLogicalId(table.table.node.defaultChild as never);
      const props = dev.template.toJSON().Resources[logicalId].Properties;
      expect(props.PointInTimeRecoverySpecification, key).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(props.SSESpecification, key).toMatchObject({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      });
      expect(props.BillingMode, key).toBe('PAY_PER_REQUEST');
      const ttl = (layout as { timeToLiveAttribute?: string }).timeToLiveAttribute;
      expect(props.TimeToLiveSpecification, key).toEqual(
        ttl ? { AttributeName: ttl, Enabled: true } : undefined,
      );
    }
  });

  it('keeps production data: deletion protection and RETAIN on tables in prod only', () => {
    for (const [, table] of resourcesOf(prod.template, 'AWS::DynamoDB::Table')) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
      expect(table).toMatchObject({ DeletionPolicy: 'Retain' });
    }
    for (const [, table] of resourcesOf(dev.template, 'AWS::DynamoDB::Table')) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
      expect(table).toMatchObject({ DeletionPolicy: 'Delete' });
    }
  });

  it('rotates the customer-managed key and lets EventBridge and CloudWatch use it for DLQs and alarms', () => {
    dev.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'events.amazonaws.com' } }),
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        ]),
      },
    });
  });

  it('keeps documents private, encrypted with the key, versioned, TLS-only and announced on EventBridge', () => {
    // Prepare
    const bucketId = dev.stack.getLogicalId(dev.stack.documentsBucket.node.defaultChild as never);
    const bucket = dev.template.toJSON().Resources[bucketId].Properties;

    // Assess
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(
      bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    ).toMatchObject({
      SSEAlgorithm: 'aws:kms',
    });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.NotificationConfiguration).toEqual({
      EventBridgeConfiguration: { EventBridgeEnabled: true },
    });
    expect(bucket.LoggingConfiguration.DestinationBucketName).toBeDefined();
    expect(bucket.LifecycleConfiguration.Rules.length).toBeGreaterThan(0);
    dev.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('holds signing keys, Odoo credentials and the approval key in Secrets Manager, never in the template', () => {
    // Prepare
    const secretOf = (secret: { node: { defaultChild?: unknown } }) =>
      dev.template.toJSON().Resources[dev.stack.getLogicalId(secret.node.defaultChild as never)].Properties;

    // Assess
    expect(resourcesOf(dev.template, 'AWS::SecretsManager::Secret')).toHaveLength(5);
    // An empty map: ingest accepts no source until an operator stores its key (fails closed).
    expect(secretOf(dev.stack.sourceKeysSecret).SecretString).toBe('{}');
    expect(secretOf(dev.stack.odooWebhookSecret).GenerateSecretString).toMatchObject({
      PasswordLength: 48,
      ExcludePunctuation: true,
    });
    expect(secretOf(dev.stack.approvalSigningSecret).GenerateSecretString).toMatchObject({
      PasswordLength: 64,
    });
    // Issued by a person in Odoo: created without any value, for an operator to store.
    for (const secret of [dev.stack.odooApiKeySecret, dev.stack.odooAutomationWebhookUrlSecret]) {
      expect(secretOf(secret).SecretString).toBeUndefined();
      expect(secretOf(secret).GenerateSecretString).toBeUndefined();
    }
    for (const [, secret] of resourcesOf(dev.template, 'AWS::SecretsManager::Secret')) {
      expect(secret.Properties.KmsKeyId).toBeDefined();
    }
  });
});
