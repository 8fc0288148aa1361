import { buildApp } from './build-app';

// `npx cdk synth|deploy` runs this file (cdk.json). Configuration comes from CDK context: see infra/README.md.
buildApp().app.synth();
