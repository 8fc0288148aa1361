import { toAsciiLowerCase } from '@idp-sync/common';
import { describe, expect, it } from 'vitest';

// The folding under EmailSchema (test/unit/contracts/command.test.ts): Unicode case mapping turns the Kelvin sign
// into "k", so only A–Z may fold (issue #14).
describe('toAsciiLowerCase', () => {
  it('toAsciiLowerCase folds A–Z and nothing else', () => {
    expect(toAsciiLowerCase('ÀBC-\u212A-Z')).toBe('Àbc-\u212A-z');
  });
});
