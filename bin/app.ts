import { createTesseraApp } from '../lib/tessera-app.js';

// The CDK app (`npx cdk synth`, `npx cdk deploy --all`). Account and region come from the CLI's profile;
// nothing is looked up, so synth works offline.
const { app } = createTesseraApp({
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
app.synth();
