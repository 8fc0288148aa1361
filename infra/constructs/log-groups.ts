import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { InfraConfig } from '../config';
import { acknowledgeGuardRule } from '../policy-checks';

/** Control Tower's CT.CLOUDWATCH.PR.2 asks for at least this many days. */
export const CONTROL_TOWER_MIN_LOG_RETENTION_DAYS = 365;

/**
 * A log group of the stack (a function's or the API's access logs): the configured retention, encrypted with the
 * stack's logs key, kept or deleted with the stack's data.
 */
export function stackLogGroup(
  scope: Construct,
  id: string,
  logGroupName: string,
  props: { config: InfraConfig; removalPolicy: RemovalPolicy; encryptionKey: kms.IKey },
): logs.LogGroup {
  const group = new logs.LogGroup(scope, id, {
    logGroupName,
    retention: props.config.logRetentionDays as logs.RetentionDays,
    encryptionKey: props.encryptionKey,
    removalPolicy: props.removalPolicy,
  });
  // Only a shorter retention is acknowledged: set to a year or more, the rule checks it like any other.
  if (props.config.logRetentionDays < CONTROL_TOWER_MIN_LOG_RETENTION_DAYS) {
    acknowledgeGuardRule(
      group,
      'cloudwatch_log_group_retention_period_check',
      `logRetentionDays is ${props.config.logRetentionDays}: these logs name people (redacted emails, SCIM and ` +
        'source ids) and serve debugging only, so they are kept as long as on-call needs them (the DLQ keeps a ' +
        'failed command 14 days; the state table keeps what was applied). Set logRetentionDays to 365 or more ' +
        'where a year of logs is required.',
    );
  }
  return group;
}
