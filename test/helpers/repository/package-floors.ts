import { posix } from 'node:path';
import ts from 'typescript';

/**
 * The rules of the package floors: imports run down the floors, never sideways on one; a package imports only the
 * workspace packages it declares, by name and through their `exports`, and reaches nothing outside its folder by a
 * relative path; a test never reaches into a package's `src/` by a relative path. The floors themselves are the
 * test's (test/unit/repository/package-floors.test.ts); this file finds the imports and checks them.
 *
 * @example
 * packageImportViolations('packages/http/src/x.ts', "import { a } from '@idp-sync/webhooks';", workspaces)
 * // [{ file: 'packages/http/src/x.ts', line: 1, rule: 'runs-up-a-floor', specifier: '@idp-sync/webhooks' }]
 */

export type FloorRule =
  | 'runs-up-a-floor'
  | 'sideways-on-a-floor'
  | 'undeclared-dependency'
  | 'not-exported'
  | 'own-name'
  | 'relative-out-of-package'
  | 'test-reaches-into-src';

export interface FloorViolation {
  readonly file: string;
  readonly line: number;
  readonly rule: FloorRule;
  readonly specifier: string;
}

/** A workspace package as its package.json declares it, with the floor the policy gives it. */
export interface Workspace {
  /** Its folder, relative to the repository root: `packages/http`, `functions/ingest`, `infra`. */
  readonly dir: string;
  readonly name: string;
  readonly floor: number;
  /** Every package named in `dependencies`, `devDependencies`, `peerDependencies` or `optionalDependencies`. */
  readonly dependencies: ReadonlySet<string>;
  /** The keys of `exports`: `.`, `./secrets`… */
  readonly exports: ReadonlySet<string>;
}

/** A module a file refers to, and the line where it does. */
export interface ModuleReference {
  readonly specifier: string;
  readonly line: number;
}

/** The scope of the project's own packages. */
const SCOPE = '@idp-sync/';

function stringArgument(node: ts.CallExpression | ts.NewExpression, index: number): string | undefined {
  const argument = node.arguments?.[index];
  return argument && ts.isStringLiteralLike(argument) ? argument.text : undefined;
}

function isImportMetaUrl(node: ts.Node | undefined): boolean {
  return (
    node !== undefined &&
    ts.isPropertyAccessExpression(node) &&
    node.name.text === 'url' &&
    ts.isMetaProperty(node.expression) &&
    node.expression.keywordToken === ts.SyntaxKind.ImportKeyword
  );
}

/** `require`, `require.resolve`, `import.meta.resolve`, `vi.mock`, `vi.doMock`, `vi.importActual`: a module by name. */
function isModuleCall(callee: ts.Expression): boolean {
  if (ts.isIdentifier(callee)) return callee.text === 'require';
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const owner = callee.expression;
  const method = callee.name.text;
  if (ts.isIdentifier(owner) && owner.text === 'require') return method === 'resolve';
  if (ts.isIdentifier(owner) && owner.text === 'vi') return ['mock', 'doMock', 'importActual'].includes(method);
  return ts.isMetaProperty(owner) && method === 'resolve';
}

/**
 * Every module a source file refers to: static imports and re-exports (types too), `import()` with a literal, import
 * types, `require`/`require.resolve`, `import.meta.resolve`, `vi.mock`, and `new URL('<relative>', import.meta.url)`.
 * Comments and other strings are not references.
 */
export function moduleReferences(file: string, text: string): ModuleReference[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TSX);
  const found: ModuleReference[] = [];
  const add = (specifier: string | undefined, node: ts.Node) => {
    if (specifier === undefined) return;
    found.push({ specifier, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteralLike(node.moduleSpecifier)) add(node.moduleSpecifier.text, node);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteralLike(expression)) add(expression.text, node);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteralLike(argument.literal)) add(argument.literal.text, node);
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword || isModuleCall(node.expression)) {
        add(stringArgument(node, 0), node);
      }
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL') {
      const target = stringArgument(node, 0);
      if (target?.startsWith('.') && isImportMetaUrl(node.arguments?.[1])) add(target, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The workspace whose folder holds `file` (both relative to the repository root). */
export function workspaceOf(file: string, workspaces: readonly Workspace[]): Workspace | undefined {
  return workspaces.find((workspace) => file.startsWith(`${workspace.dir}/`));
}

/** `@idp-sync/http/secrets` → the package `@idp-sync/http` and the subpath `./secrets`. */
function splitPackageSpecifier(specifier: string): { name: string; subpath: string } {
  const [scope, name, ...rest] = specifier.split('/');
  return { name: `${scope}/${name}`, subpath: rest.length > 0 ? `./${rest.join('/')}` : '.' };
}

/** Where a relative specifier of `file` points, relative to the repository root (`..` when above it). */
function resolveRelative(file: string, specifier: string): string {
  return posix.normalize(posix.join(posix.dirname(file), specifier));
}

/** The imports of one file of a workspace package that break the floors or the package boundaries. */
export function packageImportViolations(
  file: string,
  text: string,
  workspaces: readonly Workspace[],
): FloorViolation[] {
  const own = workspaceOf(file, workspaces);
  if (!own) return [];
  const violations: FloorViolation[] = [];
  for (const { specifier, line } of moduleReferences(file, text)) {
    const report = (rule: FloorRule) => violations.push({ file, line, rule, specifier });
    if (specifier.startsWith('.')) {
      if (!resolveRelative(file, specifier).startsWith(`${own.dir}/`)) report('relative-out-of-package');
      continue;
    }
    if (!specifier.startsWith(SCOPE)) continue;
    const { name, subpath } = splitPackageSpecifier(specifier);
    const target = workspaces.find((workspace) => workspace.name === name);
    if (target === own) {
      report('own-name');
      continue;
    }
    if (!own.dependencies.has(name)) report('undeclared-dependency');
    if (target && !target.exports.has(subpath)) report('not-exported');
    if (target && target.floor > own.floor) report('runs-up-a-floor');
    if (target && target.floor === own.floor) report('sideways-on-a-floor');
  }
  return violations;
}

/** A package's source folder: `packages/<name>/src/…` or `functions/<name>/src/…`. */
const PACKAGE_SOURCE = /^(?:packages|functions)\/[^/]+\/src(?:\/|$)/;

/** The references of one test file that reach into a package's `src/` by a relative path instead of its name. */
export function testImportViolations(file: string, text: string): FloorViolation[] {
  return moduleReferences(file, text)
    .filter(({ specifier }) => specifier.startsWith('.') && PACKAGE_SOURCE.test(resolveRelative(file, specifier)))
    .map(({ specifier, line }) => ({ file, line, rule: 'test-reaches-into-src' as const, specifier }));
}
