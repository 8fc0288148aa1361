import { Arn, ArnFormat, Aws, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * Denies `kms:CreateGrant` on the key to anyone but an AWS service acting for an AWS resource (Control Tower's
 * CT.KMS.PR.3). The default key policy lets the account's IAM principals do everything with the key, grants included:
 * a grant outlives a later change of IAM policy, so an identity that could create one could keep the key's use.
 * Nothing in this stack needs a grant made by a person or a function.
 */
export function denyGrantsExceptForAwsServices(key: kms.Key): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'GrantsOnlyForAwsServices',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: {
        BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      },
    }),
  );
}

export interface LogsKeyProps {
  readonly resourcePrefix: string;
  /** The same as the log groups': a key deleted before its log groups would leave them unreadable. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The customer-managed KMS key of the stack's log groups (the functions' and the API's access logs). CloudWatch Logs
 * uses it for this account's log groups named with the prefix only; readers of the logs need no KMS permission
 * (CloudWatch Logs decrypts for them), and revoking the key makes the logs unreadable at once.
 *
 * @example
 * const logsKey = new LogsKey(this, 'LogsKey', { resourcePrefix: 'idp-sync', removalPolicy: RemovalPolicy.RETAIN }).key;
 */
export class LogsKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: LogsKeyProps) {
    super(scope, id);
    const prefix = props.resourcePrefix;
    this.key = new kms.Key(this, 'Key', {
      description: `${prefix}: encrypts the function and API access log groups`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    const logGroupArn = (name: string) =>
      Arn.format(
        { service: 'logs', resource: 'log-group', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME },
        Stack.of(this),
      );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsOfThisStack',
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        // CloudWatch Logs names the log group in the encryption context of every use of the key.
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': [
              logGroupArn(`/aws/lambda/${prefix}-*`),
              logGroupArn(`/aws/apigateway/${prefix}-*`),
            ],
          },
        },
      }),
    );
    denyGrantsExceptForAwsServices(this.key);
  }
}
