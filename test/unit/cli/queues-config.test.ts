import type { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { loadConfig, QueueResolutionError, resolveQueues, UsageError } from '@idp-sync/cli';
import { describe, expect, it } from 'vitest';

function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe('resolveQueues', () => {
  const config = loadConfig({});
  const stackWith = (outputs: Array<{ OutputKey: string; OutputValue: string }>) => () => ({
    send: async (command: DescribeStacksCommand) => {
      expect(command.input.StackName).toBe('idp-sync');
      return { Stacks: [{ Outputs: outputs }] };
    },
  });

  it('--stack reads the QueueUrl and DlqUrl outputs', async () => {
    const resolved = await resolveQueues({ stack: 'idp-sync', region: 'eu-west-1' }, config, {
      needQueue: true,
      cloudFormation: stackWith([
        { OutputKey: 'QueueUrl', OutputValue: 'https://sqs.eu-west-1.amazonaws.com/1/work.fifo' },
        { OutputKey: 'DlqUrl', OutputValue: 'https://sqs.eu-west-1.amazonaws.com/1/dlq.fifo' },
      ]),
    });
    expect(resolved.queueUrl).toBe('https://sqs.eu-west-1.amazonaws.com/1/work.fifo');
    expect(resolved.dlqUrl).toBe('https://sqs.eu-west-1.amazonaws.com/1/dlq.fifo');
    expect(resolved.where).toBe('stack idp-sync (eu-west-1)');
  });

  it('--stack accepts CDK-suffixed output keys when they are unambiguous', async () => {
    const resolved = await resolveQueues({ stack: 'idp-sync', region: 'eu-west-1' }, config, {
      needQueue: true,
      cloudFormation: stackWith([
        { OutputKey: 'PipelineQueueUrlA1B2C3D4', OutputValue: 'https://q/work' },
        { OutputKey: 'PipelineDlqUrlE5F6A7B8', OutputValue: 'https://q/dlq' },
      ]),
    });
    expect([resolved.queueUrl, resolved.dlqUrl]).toEqual(['https://q/work', 'https://q/dlq']);
  });

  it('a stack without the outputs says what to do', async () => {
    await expect(
      resolveQueues({ stack: 'idp-sync' }, config, { needQueue: false, cloudFormation: stackWith([]) }),
    ).rejects.toThrow(QueueResolutionError);
  });

  it('a missing stack names the region to check', async () => {
    const missing = () => ({
      send: async () => {
        throw named('ValidationError', 'Stack with id idp-sync does not exist');
      },
    });
    await expect(
      resolveQueues({ stack: 'idp-sync', region: 'eu-west-1' }, config, { needQueue: false, cloudFormation: missing }),
    ).rejects.toThrow(/not found in eu-west-1/);
  });

  it.each([
    [{ stack: 's', dlqUrl: 'https://q/dlq' }, /both name the queues/],
    [{ queueUrl: 'https://q/work' }, /without --dlq-url/],
    [{ dlqUrl: 'not a url' }, /is not a URL/],
  ])('%j is bad usage', async (flags, message) => {
    const attempt = resolveQueues(flags, config, { needQueue: false });
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(resolveQueues(flags, config, { needQueue: false })).rejects.toThrow(message);
  });

  it('a bare AWS queue URL is enough: the region comes from it', async () => {
    const resolved = await resolveQueues({ dlqUrl: 'https://sqs.ap-southeast-2.amazonaws.com/1/dlq.fifo' }, config, {
      needQueue: false,
    });
    expect(await resolved.client.config.region()).toBe('ap-southeast-2');
  });
});

describe('loadConfig', () => {
  it('names the variable to fix', () => {
    expect(() => loadConfig({ IDP_SYNC_RECEIVE_WAIT_SECONDS: '99' })).toThrow(/IDP_SYNC_RECEIVE_WAIT_SECONDS/);
    expect(() => loadConfig({ SQS_ENDPOINT: 'nope' })).toThrow(/SQS_ENDPOINT/);
  });
});

describe('loadConfig defaults', () => {
  it('treats blank variables as unset', () => {
    const config = loadConfig({ AWS_REGION: '', SQS_ENDPOINT: ' ', IDP_SYNC_RECEIVE_WAIT_SECONDS: '' });
    expect(config.AWS_REGION).toBeUndefined();
    expect(config.SQS_ENDPOINT).toBeUndefined();
    expect(config.IDP_SYNC_RECEIVE_WAIT_SECONDS).toBe(1);
    expect(config.IDP_SYNC_DLQ_NAME).toBe('idp-sync-commands-dlq.fifo');
  });
});
