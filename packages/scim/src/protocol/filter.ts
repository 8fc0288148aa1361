import { ScimBadRequestError, type ScimErrorType } from '../errors';
import { SCIM_MAX_FILTER_DEPTH, SCIM_MAX_FILTER_LENGTH, SCIM_URN } from './constants';
import { isReservedName } from './json';

/**
 * An attribute path: `userName`, `name.givenName`, `urn:…:enterprise:2.0:User:department`,
 * `emails[type eq "work"]`, or Entra's `emails[type eq "work"].value`.
 */
export interface AttrPath {
  /** The extension schema URN when the path is qualified with one; core-schema paths carry none. */
  readonly schema?: string | undefined;
  /** The attribute name as written (matched case-insensitively). */
  readonly attr: string;
  /** The sub-attribute, if any. */
  readonly sub?: string | undefined;
  /** The value filter in brackets, applied to the elements of a multi-valued attribute. */
  readonly filter?: FilterExpr | undefined;
}

export const COMPARE_OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
export type CompareOperator = (typeof COMPARE_OPERATORS)[number];

export type FilterValue = string | number | boolean | null;

/** A parsed SCIM filter (RFC 7644 §3.4.2.2). */
export type FilterExpr =
  | { readonly kind: 'compare'; readonly path: AttrPath; readonly op: CompareOperator; readonly value: FilterValue }
  | { readonly kind: 'present'; readonly path: AttrPath }
  | { readonly kind: 'and' | 'or'; readonly left: FilterExpr; readonly right: FilterExpr }
  | { readonly kind: 'not'; readonly expr: FilterExpr }
  /** `emails[type eq "work"]` on its own: true when some element matches. */
  | { readonly kind: 'has'; readonly path: AttrPath };

/** Schema URNs a path may be qualified with, longest first so prefixes cannot shadow each other. */
const KNOWN_SCHEMAS = [SCIM_URN.enterpriseUser, SCIM_URN.user].sort((a, b) => b.length - a.length);

const NAME_CHAR = /[A-Za-z0-9_$-]/;
const URN_CHAR = /[A-Za-z0-9_$:.-]/;

/**
 * Parses a SCIM filter, tolerantly: operators and attribute names in any case, values quoted (double or single) or
 * bare (`externalId eq jyoung`, `meta.created gt 2015-10-10T14:38:21Z`), `and`/`or`/`not`/parentheses, value paths
 * (`emails[type eq "work" and primary eq true]`) and Entra's `emails[type eq "work"].value eq "…"`.
 * Anything else is a 400 `invalidFilter` whose detail says what and where.
 *
 * @example
 * parseFilter('userName eq "alice@contoso.com" and active eq true');
 */
export function parseFilter(text: string): FilterExpr {
  if (text.length > SCIM_MAX_FILTER_LENGTH) {
    throw new ScimBadRequestError('invalidFilter', `filter is longer than ${SCIM_MAX_FILTER_LENGTH} characters`);
  }
  const parser = new Parser(text, 'invalidFilter');
  const expr = parser.parseOr(0, false);
  parser.expectEnd();
  return expr;
}

/**
 * Parses a PATCH `path` (RFC 7644 §3.5.2): `attr`, `attr.sub`, URN-qualified forms, `attr[filter]` and
 * `attr[filter].sub`. Errors are 400 `invalidPath`.
 *
 * @example
 * parseAttrPath('emails[type eq "work"].value'); // { attr: 'emails', filter: …, sub: 'value' }
 */
export function parseAttrPath(text: string): AttrPath {
  if (text.length > SCIM_MAX_FILTER_LENGTH) {
    throw new ScimBadRequestError('invalidPath', `path is longer than ${SCIM_MAX_FILTER_LENGTH} characters`);
  }
  const parser = new Parser(text, 'invalidPath');
  parser.skipSpaces();
  const path = parser.parsePath(0, false);
  parser.expectEnd();
  return path;
}

/**
 * Splits a (URN-qualified or dotted) attribute reference into schema, attribute and sub-attribute, without filters.
 * Used for `attributes=` lists and for the keys of a path-less PATCH value.
 *
 * @example
 * splitAttrReference('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber');
 * // { schema: 'urn:…:enterprise:2.0:User', attr: 'employeeNumber' }
 */
export function splitAttrReference(reference: string): { schema?: string; attr: string; sub?: string } | null {
  let schema: string | undefined;
  let rest = reference.trim();
  if (/^urn:/i.test(rest)) {
    const known = KNOWN_SCHEMAS.find((urn) => rest.toLowerCase().startsWith(`${urn.toLowerCase()}:`));
    if (known) {
      schema = known;
      rest = rest.slice(known.length + 1);
    } else if (KNOWN_SCHEMAS.some((urn) => urn.toLowerCase() === rest.toLowerCase())) {
      return { attr: rest };
    } else {
      const colon = rest.lastIndexOf(':');
      if (colon <= 4 || colon === rest.length - 1) return null;
      // For an unknown extension the last ':'-segment is the attribute: `urn:x:y:2.0:User:tag`.
      schema = rest.slice(0, colon);
      rest = rest.slice(colon + 1);
    }
    if (schema.toLowerCase() === SCIM_URN.user.toLowerCase()) schema = undefined;
  }
  const parts = rest.split('.');
  if (parts.length > 2 || parts.some((part) => !/^\$?[A-Za-z][A-Za-z0-9_$-]*$/.test(part) || isReservedName(part))) {
    return null;
  }
  const [attr, sub] = parts as [string, string | undefined];
  return { ...(schema ? { schema } : {}), attr, ...(sub ? { sub } : {}) };
}

/** True when `reference` starts with a schema URN this service knows followed by an attribute (`urn:…:User:title`). */
export function isQualifiedByKnownSchema(reference: string): boolean {
  const lower = reference.toLowerCase();
  return KNOWN_SCHEMAS.some((urn) => lower.startsWith(`${urn.toLowerCase()}:`));
}

class Parser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly errorType: ScimErrorType,
  ) {}

  fail(message: string): never {
    const where = this.pos >= this.text.length ? 'at the end' : `at position ${this.pos + 1}`;
    throw new ScimBadRequestError(this.errorType, `${message} ${where} of "${abbreviate(this.text)}"`);
  }

  skipSpaces(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  expectEnd(): void {
    this.skipSpaces();
    if (this.pos < this.text.length) this.fail('unexpected text');
  }

  /** The next bare word (letters only) without consuming it, lower-cased. */
  private peekWord(): string {
    this.skipSpaces();
    const match = /^[A-Za-z]+/.exec(this.text.slice(this.pos, this.pos + 8));
    if (!match) return '';
    const after = this.text[this.pos + match[0].length];
    // A word is only a keyword when a separator follows it.
    if (after !== undefined && !/[\s()[\]"']/.test(after)) return '';
    return match[0].toLowerCase();
  }

  private consume(length: number): void {
    this.pos += length;
  }

  parseOr(depth: number, inBrackets: boolean): FilterExpr {
    let left = this.parseAnd(depth, inBrackets);
    while (this.peekWord() === 'or') {
      this.consume(2);
      left = { kind: 'or', left, right: this.parseAnd(depth, inBrackets) };
    }
    return left;
  }

  private parseAnd(depth: number, inBrackets: boolean): FilterExpr {
    let left = this.parseUnary(depth, inBrackets);
    while (this.peekWord() === 'and') {
      this.consume(3);
      left = { kind: 'and', left, right: this.parseUnary(depth, inBrackets) };
    }
    return left;
  }

  private parseUnary(depth: number, inBrackets: boolean): FilterExpr {
    if (depth > SCIM_MAX_FILTER_DEPTH) this.fail(`filter is nested deeper than ${SCIM_MAX_FILTER_DEPTH} levels`);
    this.skipSpaces();
    if (this.peekWord() === 'not') {
      const save = this.pos;
      this.consume(3);
      this.skipSpaces();
      if (this.text[this.pos] === '(') return { kind: 'not', expr: this.parseGroup(depth + 1, inBrackets) };
      this.pos = save;
    }
    if (this.text[this.pos] === '(') return this.parseGroup(depth + 1, inBrackets);
    return this.parseAttrExpression(depth, inBrackets);
  }

  private parseGroup(depth: number, inBrackets: boolean): FilterExpr {
    this.consume(1);
    const inner = this.parseOr(depth, inBrackets);
    this.skipSpaces();
    if (this.text[this.pos] !== ')') this.fail('expected ")"');
    this.consume(1);
    return inner;
  }

  private parseAttrExpression(depth: number, inBrackets: boolean): FilterExpr {
    const path = this.parsePath(depth, inBrackets);
    const word = this.peekWord();
    if (path.filter && path.sub === undefined && (word === '' || word === 'and' || word === 'or')) {
      return { kind: 'has', path };
    }
    if (word === 'pr') {
      this.consume(2);
      return { kind: 'present', path };
    }
    if (!(COMPARE_OPERATORS as readonly string[]).includes(word)) {
      this.fail(
        word
          ? `operator "${word}" is not supported (use eq, ne, co, sw, ew, gt, ge, lt, le, pr)`
          : 'expected an operator',
      );
    }
    this.consume(word.length);
    this.skipSpaces();
    const value = this.parseValue();
    return { kind: 'compare', path, op: word as CompareOperator, value };
  }

  parsePath(depth: number, inBrackets: boolean): AttrPath {
    this.skipSpaces();
    const start = this.pos;
    const isUrn = /^urn:/i.test(this.text.slice(this.pos, this.pos + 4));
    const charClass = isUrn ? URN_CHAR : /[A-Za-z0-9_$.-]/;
    while (this.pos < this.text.length && charClass.test(this.text[this.pos]!)) this.pos++;
    const reference = this.text.slice(start, this.pos);
    if (!reference) this.fail('expected an attribute name');
    const reserved = reference.split(/[.:]/).find(isReservedName);
    if (reserved !== undefined) {
      this.pos = start;
      this.fail(`"${reserved}" is not an attribute name (__proto__, constructor and prototype are reserved)`);
    }
    const split = splitAttrReference(reference);
    if (!split) {
      this.pos = start;
      this.fail(`"${abbreviate(reference)}" is not an attribute path`);
    }
    if (this.text[this.pos] !== '[') return split;
    if (inBrackets) this.fail('value filters cannot be nested');
    if (split.sub !== undefined) this.fail('a value filter must follow a multi-valued attribute');
    this.consume(1);
    const filter = this.parseOr(depth + 1, true);
    this.skipSpaces();
    if (this.text[this.pos] !== ']') this.fail('expected "]"');
    this.consume(1);
    let sub: string | undefined;
    if (this.text[this.pos] === '.') {
      this.consume(1);
      const subStart = this.pos;
      while (this.pos < this.text.length && NAME_CHAR.test(this.text[this.pos]!)) this.pos++;
      sub = this.text.slice(subStart, this.pos);
      if (!sub) this.fail('expected a sub-attribute after "]."');
    }
    return { ...split, filter, ...(sub ? { sub } : {}) };
  }

  private parseValue(): FilterValue {
    const quote = this.text[this.pos];
    if (quote === '"' || quote === "'") return this.parseQuoted(quote);
    const start = this.pos;
    while (this.pos < this.text.length && !/[\s()[\]]/.test(this.text[this.pos]!)) this.pos++;
    const bare = this.text.slice(start, this.pos);
    if (!bare) this.fail('expected a value');
    const lower = bare.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(bare) && Number.isFinite(Number(bare))) return Number(bare);
    // Entra's documented `externalId eq jyoung`: an unquoted value is a string.
    return bare;
  }

  private parseQuoted(quote: string): string {
    const start = this.pos;
    this.consume(1);
    let raw = '';
    while (this.pos < this.text.length) {
      const char = this.text[this.pos]!;
      if (char === '\\') {
        raw += char + (this.text[this.pos + 1] ?? '');
        this.consume(2);
        continue;
      }
      if (char === quote) {
        this.consume(1);
        try {
          // JSON string rules for escapes; a single-quoted value has its inner double quotes escaped first.
          const json = quote === '"' ? raw : raw.replace(/\\'/g, "'").replace(/"/g, '\\"');
          return JSON.parse(`"${json}"`) as string;
        } catch {
          this.pos = start;
          this.fail('invalid escape in quoted value');
        }
      }
      raw += char;
      this.consume(1);
    }
    this.pos = start;
    return this.fail('unterminated quoted value');
  }
}

function abbreviate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
