// RFC 7644 §3.4.2.2: the filter grammar. A recursive-descent parser with positions in its errors.
// The tree has the same shape as scim2-parse-filter's (the tests compare the two), except that
// `emails[type eq "work"].value eq "x"` (Entra's form) becomes one value filter on the same element,
// `emails[type eq "work" and value eq "x"]`, where scim2-parse-filter tests the two halves on any
// elements; and strings are JSON strings (RFC 7644 §3.4.2.2 "compValue"), escapes decoded.
import { ScimError } from '../errors.ts';

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type CompareValue = string | number | boolean | null;

/** `attrPath op compValue`, e.g. `userName eq "B.Simon@contoso.com"`. */
export interface Compare {
  op: CompareOperator;
  attrPath: string;
  compValue: CompareValue;
}
/** `attrPath pr`: the attribute has a non-empty value. */
export interface Present {
  op: 'pr';
  attrPath: string;
}
/** `attrPath[valFilter]`: some element of a multi-valued attribute matches `valFilter`. */
export interface ValuePath {
  op: '[]';
  attrPath: string;
  valFilter: Filter;
}
export interface Logical {
  op: 'and' | 'or';
  filters: Filter[];
}
export interface Not {
  op: 'not';
  filter: Filter;
}
/** A parsed filter. */
export type Filter = Compare | Present | ValuePath | Logical | Not;

const COMPARE_OPERATORS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
/** RFC 7644 §3.10 attrPath: `[URI ":"] ATTRNAME *1subAttr`; `$ref` is the one name with a `$`. */
export const ATTR_PATH = /^(?:[A-Za-z][\w.:-]*:)?(?:[A-Za-z][\w-]*|\$ref)(?:\.(?:[A-Za-z][\w-]*|\$ref))?$/;

export interface ParseFilterOptions {
  /** Longest filter accepted, in characters (default 4096). */
  maxLength?: number;
  /** Deepest nesting of parentheses, `not` and brackets accepted (default 32). */
  maxDepth?: number;
}

type TokenKind = 'word' | 'string' | 'number' | '(' | ')' | '[' | ']' | 'subAttr' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
  at: number;
}

const TOKEN =
  /\s+|(?<string>"(?:[^"\\]|\\.)*")|(?<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.:]))|(?<punct>[()[\]])|(?<subAttr>(?<=\])\.[A-Za-z$][\w-]*)|(?<word>[A-Za-z$][\w.:$-]*)/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) {
      const rest = text.slice(at);
      if (rest.startsWith('"')) fail(`a string starting at character ${at + 1} is not closed`);
      fail(`unexpected character '${rest[0]}' at character ${at + 1}`);
    }
    const groups = match.groups ?? {};
    if (groups.string !== undefined) tokens.push({ kind: 'string', text: groups.string, at });
    else if (groups.number !== undefined) tokens.push({ kind: 'number', text: groups.number, at });
    else if (groups.punct !== undefined)
      tokens.push({ kind: groups.punct as TokenKind, text: groups.punct, at });
    else if (groups.subAttr !== undefined)
      tokens.push({ kind: 'subAttr', text: groups.subAttr.slice(1), at });
    else if (groups.word !== undefined) tokens.push({ kind: 'word', text: groups.word, at });
  }
  tokens.push({ kind: 'end', text: '', at: text.length });
  return tokens;
}

function fail(problem: string): never {
  throw new ScimError('invalidFilter', `Invalid filter: ${problem}.`);
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'the end of the filter' : `'${token.text}' at character ${token.at + 1}`;
}

class Parser {
  private index = 0;
  private readonly tokens: Token[];
  private readonly maxDepth: number;

  constructor(tokens: Token[], maxDepth: number) {
    this.tokens = tokens;
    this.maxDepth = maxDepth;
  }

  peek(): Token {
    return this.tokens[this.index] ?? { kind: 'end', text: '', at: 0 };
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  isKeyword(word: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text.toLowerCase() === word;
  }

  expect(kind: TokenKind, what: string): Token {
    const token = this.next();
    if (token.kind !== kind) fail(`expected ${what}, found ${describe(token)}`);
    return token;
  }

  // logExp: "or" binds looser than "and" (RFC 7644 §3.4.2.2, table 5's precedence).
  or(depth: number, inBrackets: boolean): Filter {
    const filters = [this.and(depth, inBrackets)];
    while (this.isKeyword('or')) {
      this.next();
      filters.push(this.and(depth, inBrackets));
    }
    return filters.length === 1 ? filters[0]! : { op: 'or', filters };
  }

  and(depth: number, inBrackets: boolean): Filter {
    const filters = [this.unary(depth, inBrackets)];
    while (this.isKeyword('and')) {
      this.next();
      filters.push(this.unary(depth, inBrackets));
    }
    return filters.length === 1 ? filters[0]! : { op: 'and', filters };
  }

  unary(depth: number, inBrackets: boolean): Filter {
    if (depth > this.maxDepth) fail(`nested more than ${this.maxDepth} levels deep`);
    const token = this.peek();
    if (this.isKeyword('not')) {
      this.next();
      // The grammar says `not (…)`; `not attr op value` is accepted too, as most servers do.
      return { op: 'not', filter: this.unary(depth + 1, inBrackets) };
    }
    if (token.kind === '(') {
      this.next();
      const inner = this.or(depth + 1, inBrackets);
      this.expect(')', `')' to close the '(' at character ${token.at + 1}`);
      return inner;
    }
    if (token.kind === 'word') return this.attrExp(depth, inBrackets);
    return fail(`expected an attribute name, '(' or 'not', found ${describe(token)}`);
  }

  attrExp(depth: number, inBrackets: boolean): Filter {
    const path = this.next();
    if (!ATTR_PATH.test(path.text))
      fail(`'${path.text}' at character ${path.at + 1} is not an attribute path`);
    if (this.peek().kind === '[') {
      const open = this.next();
      if (inBrackets) fail(`value filters cannot nest ('[' at character ${open.at + 1})`);
      const valFilter = this.or(depth + 1, true);
      this.expect(']', `']' to close the '[' at character ${open.at + 1}`);
      if (this.peek().kind !== 'subAttr') return { op: '[]', attrPath: path.text, valFilter };
      // Entra's `emails[type eq "work"].value eq "x"`: both conditions on the same element.
      const sub = this.next();
      const condition = this.comparison(sub.text, sub);
      const filters = valFilter.op === 'and' ? [...valFilter.filters, condition] : [valFilter, condition];
      return { op: '[]', attrPath: path.text, valFilter: { op: 'and', filters } };
    }
    return this.comparison(path.text, path);
  }

  comparison(attrPath: string, at: Token): Compare | Present {
    const operator = this.next();
    const op = operator.text.toLowerCase();
    if (operator.kind === 'word' && op === 'pr') return { op: 'pr', attrPath };
    if (operator.kind !== 'word' || !COMPARE_OPERATORS.has(op)) {
      fail(
        `expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr) after '${at.text}', found ${describe(operator)}`,
      );
    }
    return { op: op as CompareOperator, attrPath, compValue: this.value(`${at.text} ${op}`) };
  }

  value(after: string): CompareValue {
    const token = this.next();
    if (token.kind === 'string') {
      try {
        return JSON.parse(token.text) as string;
      } catch {
        return fail(`the string at character ${token.at + 1} has an invalid escape or control character`);
      }
    }
    if (token.kind === 'number') return Number(token.text);
    if (token.kind === 'word') {
      const literal = token.text.toLowerCase();
      if (literal === 'true') return true;
      if (literal === 'false') return false;
      if (literal === 'null') return null;
    }
    return fail(
      `expected a value (a "quoted string", a number, true, false or null) after '${after}', found ${describe(token)}` +
        (token.kind === 'word' ? ' (strings must be in double quotes)' : ''),
    );
  }
}

/**
 * Parses an RFC 7644 §3.4.2.2 filter. Operators and `and`/`or`/`not` are case-insensitive; attribute
 * paths are kept as written (they are resolved case-insensitively when evaluated).
 *
 * @throws {ScimError} `invalidFilter`, with a message naming what was wrong and where.
 * @example
 * ```ts
 * parseFilter('userName eq "B.Simon@contoso.com"');
 * // { op: 'eq', attrPath: 'userName', compValue: 'B.Simon@contoso.com' }
 * parseFilter('emails[type eq "work"].value eq "b@x"');
 * // { op: '[]', attrPath: 'emails', valFilter: { op: 'and', filters: [type eq work, value eq b@x] } }
 * ```
 */
export function parseFilter(text: string, options: ParseFilterOptions = {}): Filter {
  const maxLength = options.maxLength ?? 4096;
  if (typeof text !== 'string') fail('it is not a string');
  if (text.length > maxLength) fail(`it is longer than ${maxLength} characters`);
  if (text.trim() === '') fail('it is empty');
  const parser = new Parser(tokenize(text), options.maxDepth ?? 32);
  const filter = parser.or(0, false);
  const rest = parser.peek();
  if (rest.kind !== 'end') {
    fail(`unexpected ${describe(rest)}${rest.kind === 'word' ? " (expected 'and', 'or' or the end)" : ''}`);
  }
  return filter;
}
