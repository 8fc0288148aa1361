import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { isConditionalCheckFailure } from '@idp-sync/contracts';
import { describe, expect, it } from 'vitest';

describe('isConditionalCheckFailure', () => {
  it('recognises a lost condition from the client, or by its name from another copy of it', () => {
    const fromClient = new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: {},
    });
    expect(isConditionalCheckFailure(fromClient)).toBe(true);
    expect(isConditionalCheckFailure(Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' }))).toBe(
      true,
    );
  });

  it('is false for any other failure and for what is not an error', () => {
    for (const other of [
      new Error('throttled'),
      { name: 'ProvisionedThroughputExceededException' },
      null,
      undefined,
      'x',
    ]) {
      expect(isConditionalCheckFailure(other)).toBe(false);
    }
  });
});
