import { redactEmail, redactEmailsIn } from '@idp-sync/common';
import { describe, expect, it } from 'vitest';

describe('redactEmail', () => {
  it('keeps the first character and the domain', () => {
    expect(redactEmail('alice@example.com')).toBe('a***@example.com');
    expect(redactEmail('Bob.Smith+tag@corp.example.co.uk')).toBe('B***@corp.example.co.uk');
  });

  it('hides anything that is not an address entirely', () => {
    expect(redactEmail('not-an-email')).toBe('***');
    expect(redactEmail('@example.com')).toBe('***');
    expect(redactEmail('alice@')).toBe('***');
    expect(redactEmail('')).toBe('***');
  });
});

describe('redactEmailsIn', () => {
  it('redacts every address in free text, JSON and angle brackets', () => {
    expect(redactEmailsIn('user bob@example.com exists')).toBe('user b***@example.com exists');
    expect(redactEmailsIn('{"email":"carol@example.org"} <dan@example.net>')).toBe(
      '{"email":"c***@example.org"} <d***@example.net>',
    );
    expect(redactEmailsIn('no address here')).toBe('no address here');
  });

  it('handles a long @-bearing text without an address, and still finds an address at its end', () => {
    const filler = `x@${'b'.repeat(50_000)}`;
    expect(redactEmailsIn(filler)).toBe(filler);
    expect(redactEmailsIn(`${filler} eve@example.com`)).toBe(`${filler} e***@example.com`);
  });
});
