import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The SCIM package's two layers (packages/scim/src): protocol/ is SCIM itself — filter, evaluate, patch, schema,
 * discovery, resource — pure functions over JSON, so it imports no service module and nothing that does I/O; the
 * service builds on it. This reads the protocol's imports and fails on one outside what it may use.
 */

// Read as text from the repository root (a structural check, like test/unit/repository), not imported.
const PROTOCOL = `${fileURLToPath(new URL('../../../', import.meta.url))}packages/scim/src/protocol/`;

/** What a protocol module may import: its siblings, the package's errors, and pure helpers of the floors below. */
const ALLOWED = [/^\.\/[\w-]+$/, /^\.\.\/errors$/, /^@idp-sync\/common$/, /^@idp-sync\/contracts$/];

function importsOf(source: string): string[] {
  return [...source.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2] ?? '');
}

describe('packages/scim/src/protocol', () => {
  const files = readdirSync(PROTOCOL).filter((name) => name.endsWith('.ts'));

  it('holds the protocol modules', () => {
    expect(files).toEqual(
      expect.arrayContaining(['discovery.ts', 'evaluate.ts', 'filter.ts', 'patch.ts', 'resource.ts', 'schema.ts']),
    );
  });

  it('imports no service module, no Node built-in and no client: it does no I/O', () => {
    const outside = files.flatMap((file) =>
      importsOf(readFileSync(`${PROTOCOL}${file}`, 'utf8'))
        .filter((specifier) => !ALLOWED.some((allowed) => allowed.test(specifier)))
        .map((specifier) => `${file}: ${specifier}`),
    );
    expect(outside).toEqual([]);
  });

  it('uses from @idp-sync/contracts only its email schema (its root also holds the SQS sender)', () => {
    const names = files.flatMap((file) =>
      [...readFileSync(`${PROTOCOL}${file}`, 'utf8').matchAll(/import\s*\{([^}]*)\}\s*from\s*'@idp-sync\/contracts'/g)]
        .flatMap((m) => (m[1] ?? '').split(','))
        .map((name) => name.trim())
        .filter(Boolean),
    );
    expect([...new Set(names)]).toEqual(['EmailSchema']);
  });
});
