import { App, type AppProps, Aspects, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type InfraConfig, loadInfraConfig } from './config';
import { policyValidationPlugins } from './policy-checks';
import { IdpSyncStack } from './stack';

/**
 * Builds the CDK app: reads and validates the configuration from context, creates the one stack (environment-agnostic:
 * account and region come from the CLI's credentials at deploy time, so synth needs none), and applies cdk-nag's
 * AwsSolutions checks to everything and the Control Tower policy checks (`policy-checks.ts`) to the template. Tests call it with their own context.
 *
 * @example
 * const { app, stack } = buildApp({ context: { 'idp-sync.alarmEmail': 'oncall@example.com' } });
 * app.synth();
 */
export function buildApp(props: AppProps = {}): { app: App; stack: IdpSyncStack; config: InfraConfig } {
  const app = new App(props);
  const config = loadInfraConfig(app.node.getAllContext());
  const stack = new IdpSyncStack(app, config.stackName, {
    config,
    description: 'idp-sync: identity-provider and HR webhooks to the Users API (HTTP API, Lambda, SQS FIFO, DynamoDB)',
  });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  Validations.of(app).addPlugins(...policyValidationPlugins());
  return { app, stack, config };
}
