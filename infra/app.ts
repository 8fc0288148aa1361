import { buildApp } from './build-app';
import { InfraConfigError } from './config';

// `npx cdk synth|deploy` runs this file (cdk.json). Configuration comes from CDK context: see infra/README.md.
try {
  buildApp().app.synth();
} catch (error) {
  // A wrong setting is the operator's to fix: the list names each one, and a stack trace around it only hides it.
  if (!(error instanceof InfraConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
