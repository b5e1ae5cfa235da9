import { parsePatchPath, resolveAttribute, USER_RESOURCE } from '@federa/scim';

// Attribute mappings: "Synchronize Federa Directory users to <app>" (Entra's mapping editor). A mapping
// takes a source attribute of the directory user (Direct), a constant, or an expression, and names the
// SCIM attribute path it fills; one of them is the matching attribute (how a user is found in the
// target). Entra sends no attribute whose value is null; neither do we.

export type MappingKind = 'direct' | 'constant' | 'expression';
export type MappingApply = 'always' | 'create';

export interface AttributeMapping {
  kind: MappingKind;
  /** Direct: a source attribute (SOURCE_ATTRIBUTES); constant: the value; expression: the expression. */
  source: string;
  /** The SCIM attribute path, e.g. `emails[type eq "work"].value`. */
  target: string;
  /** Match objects using this attribute (exactly one mapping does). */
  matching: boolean;
  apply: MappingApply;
}

/** What a mapping may read of a directory user (Entra's names). */
export const SOURCE_ATTRIBUTES = [
  'userPrincipalName',
  'mail',
  'mailNickname',
  'givenName',
  'surname',
  'displayName',
  'objectId',
  'accountEnabled',
  'IsSoftDeleted',
] as const;
export type SourceAttribute = (typeof SOURCE_ATTRIBUTES)[number];

/** The values a user offers to mappings. */
export type SourceValues = Record<SourceAttribute, string | null>;

export const ACTIVE_EXPRESSION = 'Switch([IsSoftDeleted], , "False", "True", "True", "False")';

/** Entra's defaults for a SCIM application (userPrincipalName matching, active from IsSoftDeleted). */
export const DEFAULT_USER_MAPPINGS: readonly AttributeMapping[] = [
  { kind: 'direct', source: 'userPrincipalName', target: 'userName', matching: true, apply: 'always' },
  { kind: 'expression', source: ACTIVE_EXPRESSION, target: 'active', matching: false, apply: 'always' },
  { kind: 'direct', source: 'displayName', target: 'displayName', matching: false, apply: 'always' },
  {
    kind: 'direct',
    source: 'mail',
    target: 'emails[type eq "work"].value',
    matching: false,
    apply: 'always',
  },
  { kind: 'direct', source: 'givenName', target: 'name.givenName', matching: false, apply: 'always' },
  { kind: 'direct', source: 'surname', target: 'name.familyName', matching: false, apply: 'always' },
  { kind: 'direct', source: 'objectId', target: 'externalId', matching: false, apply: 'always' },
];

export type MappingProblem =
  | 'TARGET_INVALID'
  | 'TARGET_UNKNOWN'
  | 'SOURCE_UNKNOWN'
  | 'EXPRESSION_INVALID'
  | 'CONSTANT_EMPTY';

/** Why `mapping` cannot be used, or null. */
export function mappingProblem(mapping: AttributeMapping): { code: MappingProblem; message: string } | null {
  try {
    const path = parsePatchPath(mapping.target);
    if (!resolveAttribute(USER_RESOURCE, path.attrPath)) {
      return { code: 'TARGET_UNKNOWN', message: `${mapping.target} is not an attribute of a SCIM User.` };
    }
  } catch {
    return { code: 'TARGET_INVALID', message: `${mapping.target} is not a SCIM attribute path.` };
  }
  if (mapping.kind === 'direct' && !(SOURCE_ATTRIBUTES as readonly string[]).includes(mapping.source)) {
    return {
      code: 'SOURCE_UNKNOWN',
      message: `Choose a source attribute: ${SOURCE_ATTRIBUTES.join(', ')}.`,
    };
  }
  if (mapping.kind === 'expression' && !parseSwitch(mapping.source)) {
    return {
      code: 'EXPRESSION_INVALID',
      message: 'The expression must be Switch([Attribute], default, "key", "value", …).',
    };
  }
  if (mapping.kind === 'constant' && mapping.source === '') {
    return { code: 'CONSTANT_EMPTY', message: 'Enter the constant value.' };
  }
  return null;
}

interface SwitchExpression {
  attribute: SourceAttribute;
  fallback: string | null;
  cases: [string, string][];
}

/** `Switch([Attr], default, "k1", "v1", …)`: Entra's expression for `active`, the one kind supported. */
export function parseSwitch(text: string): SwitchExpression | null {
  const match = /^\s*Switch\(\s*\[(\w+)\]\s*,(.*)\)\s*$/s.exec(text);
  if (!match || !(SOURCE_ATTRIBUTES as readonly string[]).includes(match[1]!)) return null;
  const args = match[2]!.split(',').map((part) => part.trim());
  const unquote = (part: string): string | null | undefined => {
    if (part === '') return null;
    const quoted = /^"(.*)"$/s.exec(part);
    return quoted ? quoted[1]! : undefined;
  };
  const fallback = unquote(args[0] ?? '');
  if (fallback === undefined || (args.length - 1) % 2 !== 0) return null;
  const cases: [string, string][] = [];
  for (let i = 1; i < args.length; i += 2) {
    const key = unquote(args[i]!);
    const value = unquote(args[i + 1]!);
    if (key == null || value == null) return null;
    cases.push([key, value]);
  }
  return { attribute: match[1] as SourceAttribute, fallback, cases };
}

function evaluate(mapping: AttributeMapping, source: SourceValues): string | null {
  if (mapping.kind === 'constant') return mapping.source;
  if (mapping.kind === 'direct') return source[mapping.source as SourceAttribute] ?? null;
  const expression = parseSwitch(mapping.source);
  if (!expression) return null;
  const value = source[expression.attribute];
  const hit = expression.cases.find(([key]) => key.toLowerCase() === (value ?? '').toLowerCase());
  return hit ? hit[1] : expression.fallback;
}

/** SCIM attributes whose values are booleans: mapped "True"/"False" become booleans. */
function isBooleanTarget(target: string): boolean {
  try {
    const path = parsePatchPath(target);
    const resolved = resolveAttribute(USER_RESOURCE, path.attrPath);
    return (resolved?.subAttribute ?? resolved?.attribute)?.type === 'boolean';
  } catch {
    return false;
  }
}

export type MappedValue = string | boolean;

/**
 * The target values of one user: SCIM path → value, without nulls (Entra sends none). `creating`:
 * also the mappings applied only during creation.
 */
export function mapUser(
  mappings: readonly AttributeMapping[],
  source: SourceValues,
  creating: boolean,
): Record<string, MappedValue> {
  const out: Record<string, MappedValue> = {};
  for (const mapping of mappings) {
    if (mapping.apply === 'create' && !creating) continue;
    const value = evaluate(mapping, source);
    if (value === null || value === '') continue;
    out[mapping.target] = isBooleanTarget(mapping.target) ? /^true$/i.test(value) : value;
  }
  return out;
}

export function matchingMapping(mappings: readonly AttributeMapping[]): AttributeMapping {
  return mappings.find((m) => m.matching) ?? mappings[0]!;
}
