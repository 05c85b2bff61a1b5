import { App, type AppProps, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig, type TesseraConfig } from './config.js';
import { StatefulStack } from './stateful-stack.js';
import { StatelessStack } from './stateless-stack.js';

export interface TesseraApp {
  readonly app: App;
  readonly config: TesseraConfig;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

export interface TesseraAppOptions extends AppProps {
  /** Run the cdk-nag AwsSolutions pack during synthesis (on for `cdk synth`; tests choose). */
  readonly nag?: boolean;
  readonly env?: Environment;
}

/**
 * Composes the whole application: config from context, the stateful stack, and the stateless stack that
 * receives its resources by typed props. `bin/app.ts` and the infra tests build the app the same way.
 */
export function createTesseraApp(options: TesseraAppOptions = {}): TesseraApp {
  const { nag = true, env, ...appProps } = options;
  const app = new App(appProps);
  const config = readConfig(app.node);
  const prefix = `tessera-${config.stage}`;
  const stateful = new StatefulStack(app, `${prefix}-stateful`, {
    config,
    env,
    description: `Tessera ${config.stage}: data (key, event bus and archive, tables, documents bucket, secrets)`,
    terminationProtection: config.stage === 'prod',
  });
  const stateless = new StatelessStack(app, `${prefix}-stateless`, {
    config,
    env,
    data: stateful,
    description: `Tessera ${config.stage}: ingest API, functions, event rules, alarms and dashboard`,
  });
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, config, stateful, stateless };
}
