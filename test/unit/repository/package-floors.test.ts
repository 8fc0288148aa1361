import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type FloorViolation,
  moduleReferences,
  packageImportViolations,
  testImportViolations,
  type Workspace,
} from '../../helpers/repository/package-floors';

/**
 * The packages stand on floors and imports only run down (issue #15): a package imports packages of lower floors
 * only, never one beside it, only those it declares, by name and through their `exports`; a test imports packages by
 * name and never reaches into a `src/` folder. This fails on the import that breaks one of those rules.
 */

/** The repository's root: this file is `test/unit/repository/package-floors.test.ts`. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Each workspace's floor. Floor 3 of the issue (the deployables and the tools) is three floors here, because the code
 * has arrows inside it: the local stack runs the functions' real handlers (it resolves `@idp-sync/*-function/handler`),
 * and the CLI's `start` and `demo` run the local stack. The emulator stands beside the Users API client and may use
 * common only.
 */
const FLOORS: Readonly<Record<string, number>> = {
  'packages/common': 0,
  'packages/contracts': 1,
  'packages/http': 1,
  'packages/users-client': 1,
  'packages/users-api-emulator': 1,
  'packages/scim': 2,
  'packages/webhooks': 2,
  'packages/worker': 2,
  'packages/reconcile': 2,
  'functions/*': 3,
  infra: 3,
  'packages/local-stack': 4,
  'packages/cli': 5,
};

/** Folders that hold no source of the workspace: installed, synthesized or built. */
const NOT_SOURCE = new Set(['node_modules', 'cdk.out', 'dist', '.bench']);
const SOURCE_FILE = /\.(?:[cm]?[jt]s|tsx)$/;

/** Every source file under `dir` (relative to the root), as root-relative posix paths. */
function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(`${ROOT}${dir}`, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory() && !NOT_SOURCE.has(entry.name)) files.push(...sourceFiles(path));
    else if (entry.isFile() && SOURCE_FILE.test(entry.name)) files.push(path);
  }
  return files;
}

function floorOf(dir: string): number | undefined {
  return FLOORS[dir] ?? FLOORS[`${dir.slice(0, dir.lastIndexOf('/'))}/*`];
}

/** The root package.json's workspaces, each read from its own package.json. */
function readWorkspaces(): Workspace[] {
  const root = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { workspaces: string[] };
  const dirs = root.workspaces.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(`${ROOT}${pattern.slice(0, -2)}`).map((name) => `${pattern.slice(0, -2)}/${name}`)
      : [pattern],
  );
  return dirs
    .filter((dir) => existsSync(`${ROOT}${dir}/package.json`))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(`${ROOT}${dir}/package.json`, 'utf8'));
      const declared = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap(
        (field) => Object.keys(manifest[field] ?? {}),
      );
      return {
        dir,
        name: manifest.name,
        floor: floorOf(dir) ?? Number.NaN,
        dependencies: new Set(declared),
        exports: new Set(Object.keys(manifest.exports ?? {})),
      };
    });
}

const show = (found: readonly FloorViolation[]) =>
  found.map((violation) => `${violation.file}:${violation.line} ${violation.rule}: ${violation.specifier}`);

describe('the rules', () => {
  const workspace = (dir: string, floor: number, dependencies: string[], exports = ['.']): Workspace => ({
    dir,
    name: `@idp-sync/${dir.split('/')[1]}`,
    floor,
    dependencies: new Set(dependencies),
    exports: new Set(exports),
  });
  const workspaces = [
    workspace('packages/common', 0, []),
    workspace(
      'packages/http',
      1,
      ['@idp-sync/common', '@idp-sync/contracts', '@idp-sync/webhooks'],
      ['.', './secrets'],
    ),
    workspace('packages/contracts', 1, ['@idp-sync/common']),
    workspace('packages/webhooks', 2, ['@idp-sync/common', '@idp-sync/http']),
  ];
  const rulesOf = (file: string, text: string) =>
    packageImportViolations(file, text, workspaces).map((violation) => violation.rule);

  it('find the modules code refers to, and not those named in comments or plain strings', () => {
    const text = [
      "import type { A } from '@idp-sync/a';",
      "export { b } from './b';",
      '// import { c } from "@idp-sync/c";',
      "/** @example await import('@idp-sync/d') */",
      "const e = await import('@idp-sync/e');",
      "const f = require.resolve('@idp-sync/f/handler');",
      "vi.mock('@idp-sync/g', () => ({}));",
      "const h = new URL('../h/src/cli.ts', import.meta.url);",
      "const i = new URL('https://example.com/i');",
      "const j = 'packages/j/src/index';",
      "type K = import('@idp-sync/k').K;",
      "const l = import.meta.resolve('@idp-sync/l');",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text that holds a template literal
      'const m = await import(`${url}?env=1`);',
    ].join('\n');
    expect(moduleReferences('x.ts', text)).toEqual([
      { specifier: '@idp-sync/a', line: 1 },
      { specifier: './b', line: 2 },
      { specifier: '@idp-sync/e', line: 5 },
      { specifier: '@idp-sync/f/handler', line: 6 },
      { specifier: '@idp-sync/g', line: 7 },
      { specifier: '../h/src/cli.ts', line: 8 },
      { specifier: '@idp-sync/k', line: 11 },
      { specifier: '@idp-sync/l', line: 12 },
    ]);
  });

  it('accept an import down the floors of a declared package, by name, through its exports', () => {
    expect(rulesOf('packages/webhooks/src/app.ts', "import { x } from '@idp-sync/http';")).toEqual([]);
    expect(rulesOf('packages/webhooks/src/app.ts', "import { x } from '@idp-sync/http/secrets';")).toEqual([]);
    expect(rulesOf('packages/webhooks/src/app.ts', "import { x } from './sources/okta/adapter';")).toEqual([]);
    expect(rulesOf('packages/webhooks/src/app.ts', "import { z } from 'zod';")).toEqual([]);
  });

  it('refuse an import up a floor or sideways on one, even when declared', () => {
    expect(rulesOf('packages/http/src/x.ts', "import { x } from '@idp-sync/webhooks';")).toEqual(['runs-up-a-floor']);
    expect(rulesOf('packages/http/src/x.ts', "import type { X } from '@idp-sync/contracts';")).toEqual([
      'sideways-on-a-floor',
    ]);
    expect(rulesOf('packages/common/src/x.ts', "export { x } from '@idp-sync/http';")).toEqual([
      'undeclared-dependency',
      'runs-up-a-floor',
    ]);
  });

  it('refuse an undeclared package, a path past its exports, its own name, and a relative path out of the package', () => {
    expect(rulesOf('packages/webhooks/src/x.ts', "import { x } from '@idp-sync/common';")).toEqual([]);
    expect(rulesOf('packages/webhooks/src/x.ts', "import { x } from '@idp-sync/contracts';")).toEqual([
      'undeclared-dependency',
    ]);
    expect(rulesOf('packages/webhooks/src/x.ts', "import { x } from '@idp-sync/http/src/router';")).toEqual([
      'not-exported',
    ]);
    expect(rulesOf('packages/webhooks/src/x.ts', "import { x } from '@idp-sync/webhooks/sources';")).toEqual([
      'own-name',
    ]);
    expect(rulesOf('packages/webhooks/src/x.ts', "import { x } from '../../http/src/router';")).toEqual([
      'relative-out-of-package',
    ]);
    expect(rulesOf('packages/webhooks/scripts/x.ts', "import { x } from '../src/sources';")).toEqual([]);
  });

  it('refuse a test that reaches into a package or function src/ by a relative path, by import or by URL', () => {
    const rulesOfTest = (file: string, text: string) =>
      testImportViolations(file, text).map((violation) => violation.specifier);
    expect(rulesOfTest('test/bench/x.bench.ts', "import { a } from '../../packages/local-stack/src';")).toEqual([
      '../../packages/local-stack/src',
    ]);
    expect(
      rulesOfTest(
        'test/unit/cli/x.test.ts',
        "const b = new URL('../../../functions/ingest/src/handler.ts', import.meta.url);",
      ),
    ).toEqual(['../../../functions/ingest/src/handler.ts']);
    expect(rulesOfTest('test/unit/cli/x.test.ts', "import { c } from '@idp-sync/cli';")).toEqual([]);
    expect(rulesOfTest('test/unit/cli/x.test.ts', "import { d } from '../../helpers/lambda';")).toEqual([]);
    expect(
      rulesOfTest(
        'test/unit/users-client/x.test.ts',
        "readFileSync(new URL('../../../packages/users-client/package.json', import.meta.url))",
      ),
    ).toEqual([]);
  });
});

describe('the workspace', () => {
  const workspaces = readWorkspaces();

  it('gives every workspace package a floor, and names only workspaces that exist', () => {
    expect(workspaces.filter((workspace) => Number.isNaN(workspace.floor)).map((workspace) => workspace.dir)).toEqual(
      [],
    );
    const dirs = workspaces.map((workspace) => workspace.dir);
    for (const key of Object.keys(FLOORS)) {
      const matches = key.endsWith('/*') ? dirs.filter((dir) => dir.startsWith(key.slice(0, -1))) : dirs;
      expect(matches.length > 0 && (key.endsWith('/*') || dirs.includes(key)), key).toBe(true);
    }
  });

  it('has every import of a package run down the floors, to a package it declares, through its exports', () => {
    const files = workspaces.flatMap((workspace) => sourceFiles(workspace.dir));
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((file) =>
      packageImportViolations(file, readFileSync(`${ROOT}${file}`, 'utf8'), workspaces),
    );
    expect(show(found)).toEqual([]);
  });

  it('has every test import packages by name, never a src/ folder by a relative path', () => {
    const files = sourceFiles('test');
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((file) => testImportViolations(file, readFileSync(`${ROOT}${file}`, 'utf8')));
    expect(show(found)).toEqual([]);
  });
});
