import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findOutsideReferences, type OutsideReference } from '../../helpers/repository/outside-references';

/**
 * The repository stands on its own: a clone and the README's commands are all it needs. This fails when a tracked
 * file names a path of a particular machine, reads outside the repository, or cites a document it does not have.
 */

/** The repository's root: this file is `test/unit/repository/standalone.test.ts`. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The one file allowed to look outside: it reads the vendors' published samples from the folder CI puts beside the
 * clone, relative to the repository, and skips their tests when the folder is absent.
 */
const ALLOWED: Readonly<Record<string, readonly OutsideReference['rule'][]>> = {
  'test/helpers/vendor-fixtures.ts': ['sibling-shared-folder', 'climbs-above-repository'],
};

/** The tracked files, or undefined when this is not a git checkout of its own (a tarball, or a folder in another repo). */
function trackedFiles(): string[] | undefined {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    if (realpathSync(git('rev-parse', '--show-toplevel').trim()) !== realpathSync(ROOT)) return undefined;
    // Tracked, and new files not ignored: a file is checked before it is committed.
    return git('ls-files', '-z', '--cached', '--others', '--exclude-standard')
      .split('\0')
      .filter((file) => file !== '');
  } catch {
    return undefined;
  }
}

const tracked = trackedFiles();
if (tracked === undefined) console.warn('not a git checkout of its own: the tracked-file checks are skipped');

/** Builds a path from parts, so that this file names no machine path itself. */
const path = (...parts: string[]) => parts.join('/');
const up = (times: number) => '..'.concat('/').repeat(times);

describe('the rules', () => {
  const repo = new Set(['README.md', 'packages/a/README.md', 'packages/a/src/x.ts', 'test/helpers/h.ts']);
  const rulesOf = (file: string, text: string) => findOutsideReferences(file, text, repo).map((found) => found.rule);

  it('find machine paths, and leave URLs, SCIM paths and /tmp alone', () => {
    for (const text of [
      `read('${path('', 'work', 'shared', 'x.json')}')`,
      `cd ${path('', 'home', 'dev', 'idp-sync')}`,
      `see ${path('', 'Users', 'dev', 'code', 'x')}`,
      `cat ${path('', 'root', '.npmrc')}`,
      `'C:${'\\\\'}Users${'\\\\'}dev'`,
      `file:${path('', '', '', 'work', 'x')}`,
    ]) {
      expect(rulesOf('packages/a/src/x.ts', text), text).toContain('machine-path');
    }
    for (const text of [
      `fetch('https://example.com${path('', 'work', 'x')}')`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text that holds a template literal
      'PATCH /Users/{id} and /Users/.search and `${base}/Users/${id}`',
      `const file = '${path('', 'tmp', 'bench.jsonl')}'`,
      'infra: --secret-string file://secret.txt',
    ]) {
      expect(rulesOf('packages/a/src/x.ts', text), text).toEqual([]);
    }
  });

  it('find relative paths that climb above the repository, and the shared sibling folder', () => {
    expect(rulesOf('packages/a/src/x.ts', `import '${up(3)}test/helpers/h'`)).toEqual([]);
    expect(rulesOf('packages/a/src/x.ts', `new URL('${up(4)}x.json', import.meta.url)`)).toEqual([
      'climbs-above-repository',
    ]);
    expect(rulesOf('README.md', `see [x](${up(1)}elsewhere.txt)`)).toContain('climbs-above-repository');
    expect(rulesOf('test/helpers/h.ts', "join(HERE, '..', '..')")).toEqual([]);
    expect(rulesOf('test/helpers/h.ts', "join(HERE, '..', '..', '..')")).toEqual(['climbs-above-repository']);
    expect(rulesOf('test/helpers/h.ts', `'${up(1)}shared'`)).toContain('sibling-shared-folder');
    expect(rulesOf('README.md', `the contract in ${path('shared', 'reference', 'x')}`)).toContain(
      'sibling-shared-folder',
    );
  });

  it('find documents and links the repository does not have', () => {
    const design = ['DESIGN', 'md'].join('.');
    expect(rulesOf('packages/a/src/x.ts', `// as ${design} says`)).toEqual(['document-not-in-repository']);
    expect(rulesOf('packages/a/src/x.ts', '// as README.md says')).toEqual([]);
    expect(rulesOf('README.md', '[a](packages/a/README.md#usage) [b](packages/a) [c](https://example.com/x)')).toEqual(
      [],
    );
    expect(rulesOf('packages/a/README.md', '[b](../b/README.md)')).toEqual(['link-not-in-repository']);
    expect(rulesOf('packages/a/README.md', `[d](../b/${design})`)).toEqual([
      'document-not-in-repository',
      'link-not-in-repository',
    ]);
    // Code is not a link; a document on the web is not one the repository should have.
    expect(rulesOf('README.md', '```json\n"pattern": "(?:a](b)"\n```\n`[x](nowhere)`')).toEqual([]);
    expect(rulesOf('README.md', `spec: https://example.com/spec/${design}`)).toEqual([]);
    expect(rulesOf('packages/a/README.md', '[src](src/x.ts) [root](../../README.md)')).toEqual([]);
  });
});

describe.skipIf(tracked === undefined)('every tracked file', () => {
  it('names no machine path, reads nothing outside the repository and cites only documents it has', () => {
    const files = tracked ?? [];
    const set = new Set(files);
    const findings: OutsideReference[] = [];
    for (const file of files) {
      const full = `${ROOT}${file}`;
      // Deleted in the working tree (not yet committed), or a symlink or folder: nothing to read.
      if (!existsSync(full) || !lstatSync(full).isFile()) continue;
      const bytes = readFileSync(full);
      if (bytes.includes(0)) continue; // binary
      const allowed = ALLOWED[file] ?? [];
      findings.push(
        ...findOutsideReferences(file, bytes.toString('utf8'), set).filter((found) => !allowed.includes(found.rule)),
      );
    }
    expect(findings.map((found) => `${found.file}:${found.line} ${found.rule}: ${found.text}`)).toEqual([]);
  });

  it('the one file allowed to look outside exists and only reads (so the allowance is not stale)', () => {
    for (const file of Object.keys(ALLOWED)) {
      expect(tracked).toContain(file);
      expect(readFileSync(`${ROOT}${file}`, 'utf8')).not.toMatch(/\b(?:writeFile|appendFile|mkdir|rm|unlink)\w*\(/);
    }
  });
});
