/**
 * Turns a Lambda function's environment from a synthesized template into the strings the function would see in AWS,
 * so that the handlers' own configuration loaders can be run against exactly what the stack sets.
 */
type Json = Record<string, unknown>;

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';

function resolve(value: unknown, resources: Record<string, { Type: string; Properties: Json }>): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'Ref' in value) {
    const id = (value as { Ref: string }).Ref;
    const resource = resources[id];
    if (!resource) throw new Error(`Ref to unknown resource ${id}`);
    switch (resource.Type) {
      case 'AWS::SQS::Queue':
        return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${resource.Properties.QueueName}`;
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${resource.Properties.Name}-AbCdEf`;
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::DynamoDB::Table':
        return String(resource.Properties.TableName);
      default:
        throw new Error(`no stand-in value for a Ref to ${resource.Type}`);
    }
  }
  if (value && typeof value === 'object' && 'Fn::Join' in value) {
    const [separator, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    return parts.map((part) => resolve(part, resources)).join(separator);
  }
  if (value && typeof value === 'object' && 'Fn::GetAtt' in value) {
    const [id, attribute] = (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    if (resources[id]?.Type === 'AWS::ApiGatewayV2::Api' && attribute === 'ApiEndpoint') {
      return `https://a1b2c3d4e5.execute-api.${REGION}.amazonaws.com`;
    }
    throw new Error(`no stand-in value for ${id}.${attribute}`);
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/**
 * The environment of the function named `functionName`, every `Ref` replaced by a realistic value.
 *
 * @example
 * const env = resolvedEnvironment(template.toJSON(), 'idp-sync-ingest');
 * loadIngestConfig(env);
 */
export function resolvedEnvironment(template: Json, functionName: string): Record<string, string> {
  const resources = template.Resources as Record<string, { Type: string; Properties: Json }>;
  const fn = Object.values(resources).find(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === functionName,
  );
  if (!fn) throw new Error(`no function ${functionName}`);
  const vars = (fn.Properties.Environment as { Variables: Json }).Variables;
  // What the Lambda runtime adds itself.
  const env: Record<string, string> = { AWS_REGION: REGION };
  for (const [key, value] of Object.entries(vars)) env[key] = resolve(value, resources);
  return env;
}
