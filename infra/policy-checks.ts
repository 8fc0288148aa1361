import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  Validations,
} from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The policy checks run at every synth: CDK's policy-validation plugin with the AWS Control Tower proactive controls
 * (cfn-guard rules, run by the binary the package ships). A finding fails the synth unless the resource acknowledges
 * its rule with a reason ({@link acknowledgeGuardRule}); infra/README.md, "Policy checks", lists each decision.
 */
export function policyValidationPlugins(): IPolicyValidationPlugin[] {
  return [new FindingsAreErrors(new CfnGuardValidator())];
}

/**
 * Marks every finding of a plugin as an error. The cfn-guard plugin gives its findings no severity, and once a synth
 * has acknowledged any finding, CDK counts only errors as failures: without this, one unexplained finding beside
 * acknowledged ones would pass `cdk synth` and `cdk deploy` (test/infra/policy-checks.test.ts).
 */
class FindingsAreErrors implements IPolicyValidationPlugin {
  constructor(private readonly plugin: IPolicyValidationPlugin) {}

  get name(): string {
    return this.plugin.name;
  }

  get version(): string | undefined {
    return this.plugin.version;
  }

  get ruleIds(): string[] | undefined {
    return this.plugin.ruleIds;
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.plugin.validate(context);
    return { ...report, violations: report.violations.map((v) => ({ ...v, severity: v.severity ?? 'error' })) };
  }
}

/** The plugin's name: the namespace of its rule ids in CDK's acknowledgements and in the validation report. */
export const GUARD_PLUGIN = 'cdk-validator-cfnguard';

/**
 * The guard rules this stack acknowledges somewhere, by the rule name the plugin reports, with their Control Tower
 * control id (the name in AWS's documentation).
 */
export const GUARD_RULES = {
  api_gw_v2_authorization_type_configured_check: 'CT.APIGATEWAY.PR.5',
  cloudwatch_log_group_retention_period_check: 'CT.CLOUDWATCH.PR.2',
  lambda_function_public_access_prohibited_check: 'CT.LAMBDA.PR.2',
  lambda_inside_vpc_check: 'CT.LAMBDA.PR.3',
} as const;
export type GuardRule = keyof typeof GUARD_RULES;

/**
 * Acknowledges one guard rule on a construct and everything under it, with the reason. Kept next to the resource,
 * like the cdk-nag suppressions, so that the reason is read where the resource is changed.
 */
export function acknowledgeGuardRule(scope: IConstruct, rule: GuardRule, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${GUARD_PLUGIN}::${rule}`, reason });
}
