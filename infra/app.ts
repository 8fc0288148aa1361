import { CDK_APP_MODE_ENV } from 'aws-cdk-lib/cx-api';
import { buildApp } from './build-app';
import { InfraConfigError } from './config';

// `npx cdk synth|deploy` runs this file (cdk.json). Configuration comes from CDK context: see infra/README.md.
// A process of its own: failed policy checks print their report and exit 1, rather than throw a stack trace after it.
process.env[CDK_APP_MODE_ENV] ??= 'process';
try {
  buildApp().app.synth();
} catch (error) {
  // A wrong setting is the operator's to fix: the list names each one, and a stack trace around it only hides it.
  if (!(error instanceof InfraConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
