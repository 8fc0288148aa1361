import { posix } from 'node:path';

/**
 * The rules of a repository that stands on its own: no tracked file names a path of a particular machine, reads
 * outside the repository, or cites a document the repository does not have. Lines are checked one by one; the rules
 * are written so that this file does not trip on its own patterns.
 *
 * @example
 * findOutsideReferences('README.md', readFileSync('README.md', 'utf8'), new Set(gitLsFiles))
 * // [] — or one { file, line, rule, text } per offending line
 */

export type OutsideReferenceRule =
  | 'machine-path'
  | 'climbs-above-repository'
  | 'sibling-shared-folder'
  | 'document-not-in-repository'
  | 'link-not-in-repository';

export interface OutsideReference {
  readonly file: string;
  readonly line: number;
  readonly rule: OutsideReferenceRule;
  readonly text: string;
}

/**
 * Absolute paths that belong to one machine. Not a match: URL paths (a word character or `/` before them, as in
 * `https://host/root/`), SCIM's `/Users/{id}` and `/Users/.search` (a macOS home needs `/Users/<name>/`), and `/tmp`,
 * which exists on every Unix machine and names nobody's files (code should still prefer `os.tmpdir()`).
 */
const MACHINE_PATHS: readonly RegExp[] = [
  /(?<![\w.~/\\-])\/(?:work|root|Volumes)\//,
  /(?<![\w.~/\\-])\/home\/[\w.-]+/,
  /(?<![\w.~/\\}-])\/Users\/[\w.-]+\//,
  // A Windows drive path, as written in prose or in a string literal (one or two backslashes).
  /(?<![\w\\])[A-Z]:\\{1,2}[A-Za-z]/,
  // A file URL carries an absolute path.
  /file:\/\/\/[A-Za-z]/,
];

/** The folder beside the repository that holds the development machine's shared material. */
const SHARED_SIBLING: readonly RegExp[] = [/\.\.[\\/]+shared\b/, /\bshared[\\/](?:fixtures|reference)[\\/]/];

/** A run of `../` (or `..\`) not part of a longer run of dots. */
const PARENT_RUN = /(?<![.\w])((?:\.\.[\\/])+)/g;
/** A run of `'..'` arguments, as in `join(dir, '..', '..')`. */
const PARENT_ARGS = /(?:(['"])\.\.\1\s*,\s*)*(['"])\.\.\2/g;
/** A Markdown document named in text (a file name ending in .md). */
const DOCUMENT_NAME = /([\w][\w./-]*\.md)\b/g;
/** A Markdown link's target: `[text](target)`. */
const MARKDOWN_LINK = /\]\(([^)\s]+)\)/g;
/** Inline code in Markdown: no links there. */
const INLINE_CODE = /`[^`]*`/g;

/**
 * Markdown files the project itself writes, outside version control: `npm run bench` writes its table to
 * `.bench/results.md` (ignored by git).
 */
const WRITTEN_DOCUMENTS: ReadonlySet<string> = new Set(['results.md']);

/** How many folders deep a tracked file is: `a/b/c.ts` → 2. */
function depthOf(file: string): number {
  const dir = posix.dirname(file);
  return dir === '.' ? 0 : dir.split('/').length;
}

/** Whether `target` (a relative link) names a tracked file or a folder holding one. */
function isInRepository(file: string, target: string, tracked: ReadonlySet<string>): boolean {
  const resolved = posix.normalize(posix.join(posix.dirname(file), target)).replace(/\/$/, '');
  if (resolved.startsWith('..')) return false;
  if (tracked.has(resolved)) return true;
  for (const path of tracked) if (path.startsWith(`${resolved}/`)) return true;
  return false;
}

/** Every reference of one file's text to what is outside the repository. `tracked` holds the repository's files. */
export function findOutsideReferences(file: string, text: string, tracked: ReadonlySet<string>): OutsideReference[] {
  const found: OutsideReference[] = [];
  const depth = depthOf(file);
  const trackedNames = new Set([...tracked].map((path) => posix.basename(path)));
  const isMarkdown = file.endsWith('.md');
  let inFence = false;
  text.split('\n').forEach((content, index) => {
    const report = (rule: OutsideReferenceRule) =>
      found.push({ file, line: index + 1, rule, text: content.trim().slice(0, 200) });
    if (MACHINE_PATHS.some((pattern) => pattern.test(content))) report('machine-path');
    if (SHARED_SIBLING.some((pattern) => pattern.test(content))) report('sibling-shared-folder');
    const climbs =
      [...content.matchAll(PARENT_RUN)].some((match) => (match[1]?.length ?? 0) / 3 > depth) ||
      [...content.matchAll(PARENT_ARGS)].some((match) => (match[0].match(/\.\./g)?.length ?? 0) > depth);
    if (climbs) report('climbs-above-repository');
    for (const match of content.matchAll(DOCUMENT_NAME)) {
      const name = posix.basename(match[1] ?? '');
      // A document on the web is not one the repository should have.
      const token =
        content
          .slice(0, match.index)
          .split(/[\s(<'"`[]/)
          .at(-1) ?? '';
      if (token.includes('://') || trackedNames.has(name) || WRITTEN_DOCUMENTS.has(name)) continue;
      report('document-not-in-repository');
      break;
    }
    if (isMarkdown && /^\s*(?:```|~~~)/.test(content)) inFence = !inFence;
    if (isMarkdown && !inFence) {
      for (const match of content.replace(INLINE_CODE, '').matchAll(MARKDOWN_LINK)) {
        const target = (match[1] ?? '').split('#')[0] ?? '';
        if (target === '' || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        if (!isInRepository(file, target, tracked)) {
          report('link-not-in-repository');
          break;
        }
      }
    }
  });
  return found;
}
