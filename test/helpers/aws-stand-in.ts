import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the two AWS APIs `idp-sync doctor --stack` reads besides SQS and DynamoDB, on 127.0.0.1, written
 * from the AWS API references:
 *
 * - CloudFormation `DescribeStacks` (query protocol: a form-encoded POST with `Action=DescribeStacks&StackName=…`,
 *   answered in XML; an unknown stack is a 400 `ValidationError` "Stack with id … does not exist");
 * - Secrets Manager `GetSecretValue` and `DescribeSecret` (JSON 1.1: `X-Amz-Target: secretsmanager.<Action>`; an
 *   unknown secret is a 400 `ResourceNotFoundException`).
 *
 * Every other action answers 400 `InvalidAction`, and every action is recorded, so a test can assert that the doctor
 * only read.
 *
 * @example
 * const aws = await startAwsStandIn();
 * aws.putStack('idp-sync', { QueueUrl: '…' });
 * aws.putSecret('idp-sync/hr-webhook', 'whsec_…', { versions: 2 });
 * // env: AWS_ENDPOINT_URL_CLOUDFORMATION=aws.url, AWS_ENDPOINT_URL_SECRETS_MANAGER=aws.url
 * await aws.stop();
 */
export interface AwsStandIn {
  readonly url: string;
  /** `CloudFormation.DescribeStacks`, `SecretsManager.GetSecretValue`, … in the order they came. */
  readonly actions: string[];
  putStack(name: string, outputs: Record<string, string>, status?: string): void;
  /** A secret; `versions` is how many labelled versions DescribeSecret lists (1: never changed since created). */
  putSecret(name: string, value: string, options?: { versions?: number }): void;
  deleteSecret(name: string): void;
  stop(): Promise<void>;
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startAwsStandIn(): Promise<AwsStandIn> {
  const stacks = new Map<string, { outputs: Record<string, string>; status: string }>();
  const secrets = new Map<string, { value: string; versions: number; arn: string }>();
  const actions: string[] = [];

  const cloudFormation = (params: URLSearchParams, res: ServerResponse) => {
    const action = params.get('Action') ?? '';
    actions.push(`CloudFormation.${action}`);
    const requestId = `req-${actions.length}`;
    const error = (code: string, message: string) => {
      res.writeHead(400, { 'content-type': 'text/xml' });
      res.end(
        `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    };
    if (action !== 'DescribeStacks') return error('InvalidAction', `${action} is not supported by this stand-in`);
    const name = params.get('StackName') ?? '';
    const stack = stacks.get(name);
    if (!stack) return error('ValidationError', `Stack with id ${name} does not exist`);
    const outputs = Object.entries(stack.outputs)
      .map(([k, v]) => `<member><OutputKey>${xml(k)}</OutputKey><OutputValue>${xml(v)}</OutputValue></member>`)
      .join('');
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>${xml(name)}</StackName><StackId>arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${xml(name)}/00000000-0000-0000-0000-000000000000</StackId><CreationTime>2026-11-26T10:00:00.000Z</CreationTime><StackStatus>${stack.status}</StackStatus><Outputs>${outputs}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></DescribeStacksResponse>`,
    );
  };

  const secretsManager = (target: string, body: string, res: ServerResponse) => {
    const action = target.replace(/^secretsmanager\./, '');
    actions.push(`SecretsManager.${action}`);
    const answer = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(payload));
    };
    let id = '';
    try {
      id = String((JSON.parse(body) as { SecretId?: unknown }).SecretId ?? '');
    } catch {
      return answer(400, { __type: 'InvalidRequestException', message: 'the body is not JSON' });
    }
    const entry = [...secrets.entries()].find(([name, s]) => name === id || s.arn === id);
    if (action !== 'GetSecretValue' && action !== 'DescribeSecret') {
      return answer(400, { __type: 'InvalidAction', message: `${action} is not supported by this stand-in` });
    }
    if (!entry) {
      return answer(400, {
        __type: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      });
    }
    const [name, secret] = entry;
    const created = 1_764_151_200;
    if (action === 'GetSecretValue') {
      return answer(200, {
        ARN: secret.arn,
        Name: name,
        VersionId: `v${secret.versions}`,
        SecretString: secret.value,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: created + secret.versions,
      });
    }
    const stages: Record<string, string[]> = {};
    for (let v = 1; v <= secret.versions; v++) {
      stages[`v${v}`] = v === secret.versions ? ['AWSCURRENT'] : v === secret.versions - 1 ? ['AWSPREVIOUS'] : [];
    }
    // DescribeSecret lists only versions that carry a staging label.
    for (const [v, labels] of Object.entries(stages)) if (labels.length === 0) delete stages[v];
    return answer(200, { ARN: secret.arn, Name: name, CreatedDate: created, VersionIdsToStages: stages });
  };

  const server: Server = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      const target = req.headers['x-amz-target'];
      if (typeof target === 'string' && target.startsWith('secretsmanager.')) {
        secretsManager(target, body, res);
        return;
      }
      cloudFormation(new URLSearchParams(body), res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    actions,
    putStack(name, outputs, status = 'CREATE_COMPLETE') {
      stacks.set(name, { outputs, status });
    },
    putSecret(name, value, options = {}) {
      secrets.set(name, {
        value,
        versions: options.versions ?? 1,
        arn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`,
      });
    },
    deleteSecret(name) {
      secrets.delete(name);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
