import type { RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { Source } from '../config';

export interface SecretsProps {
  readonly resourcePrefix: string;
  readonly sources: readonly Source[];
  readonly removalPolicy: RemovalPolicy;
}

interface SourceSecretSpec {
  /** Last part of the secret's name. */
  readonly name: string;
  /** The HTTP function environment variable that carries the ARN (read by packages/http/src/config.ts). */
  readonly envVar: string;
  readonly description: string;
  /**
   * true: we choose the value and paste it into the vendor's console, so a strong random one is generated at deploy.
   * false: the vendor issues it; the generated value is only a placeholder that verifies nothing until replaced.
   */
  readonly weChooseIt: boolean;
}

/** One secret per source: what it is and which variable carries its ARN to ingest. */
export const SOURCE_SECRETS: Readonly<Record<Source, SourceSecretSpec>> = {
  okta: {
    name: 'okta-auth',
    envVar: 'OKTA_AUTH_SECRET_ARN',
    description: 'Okta Event Hook: the value Okta sends in the authentication header',
    weChooseIt: true,
  },
  scim: {
    name: 'scim-bearer-token',
    envVar: 'SCIM_BEARER_TOKEN_SECRET_ARN',
    description: 'Entra ID SCIM provisioning: the Secret Token (sent as Authorization: Bearer)',
    weChooseIt: true,
  },
  hr: {
    name: 'hr-webhook',
    envVar: 'HR_WEBHOOK_SECRET_ARN',
    description: 'HR system (Standard Webhooks): the signing secret, whsec_<base64>',
    weChooseIt: false,
  },
  workos: {
    name: 'workos-webhook',
    envVar: 'WORKOS_WEBHOOK_SECRET_ARN',
    description: 'WorkOS: the webhook endpoint secret',
    weChooseIt: false,
  },
  bamboohr: {
    name: 'bamboohr-webhook-key',
    envVar: 'BAMBOOHR_WEBHOOK_KEY_SECRET_ARN',
    description: 'BambooHR: the webhook private key',
    weChooseIt: false,
  },
};

/**
 * The secrets: one per enabled source (read by ingest only) and the Users API key (read by the worker only).
 * A value is a plain string, or `{"current": "...", "previous": "..."}` while rotating (both accepted).
 *
 * @example
 * const secrets = new Secrets(this, 'Secrets', { resourcePrefix: 'idp-sync', sources: ['okta'], removalPolicy });
 * secrets.source.okta?.grantRead(ingestRole);
 */
export class Secrets extends Construct {
  readonly source: Partial<Record<Source, secretsmanager.Secret>> = {};
  readonly usersApiKey: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);

    for (const source of props.sources) {
      const spec = SOURCE_SECRETS[source];
      this.source[source] = new secretsmanager.Secret(this, `${source}Secret`, {
        secretName: `${props.resourcePrefix}/${spec.name}`,
        description: spec.weChooseIt
          ? `${spec.description}. Generated at deploy: copy it into the vendor's console.`
          : `${spec.description}. Placeholder until you put the vendor's value (see infra/README.md).`,
        // Alphanumeric so that the value can be pasted into any vendor form and sent in a header unchanged.
        generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
        removalPolicy: props.removalPolicy,
      });
    }

    this.usersApiKey = new secretsmanager.Secret(this, 'UsersApiKey', {
      secretName: `${props.resourcePrefix}/users-api-key`,
      description: 'Users API (Arize) key the worker sends as Authorization: Bearer. Placeholder until you put it.',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.removalPolicy,
    });

    NagSuppressions.addResourceSuppressions(
      this,
      [
        {
          id: 'AwsSolutions-SMG4',
          reason:
            'These are shared secrets issued by or pasted into third-party consoles (Okta, Entra ID, WorkOS, BambooHR, ' +
            'the HR system, Arize); a rotation Lambda cannot change them on the vendor side. They are rotated by hand ' +
            'without downtime through the {"current","previous"} value format (infra/README.md).',
        },
      ],
      true,
    );
  }

  /** Every source secret that exists (enabled sources only). */
  get sourceSecrets(): secretsmanager.Secret[] {
    return Object.values(this.source).filter((s): s is secretsmanager.Secret => s !== undefined);
  }
}
