import { readFile } from 'node:fs/promises';
import { type CommandContext, list, parse, required, seg, text, yesNo } from './args.ts';
import { UsageError } from './client.ts';
import { details, json, table } from './output.ts';
import { applicationId } from './resolve.ts';

export const APPS_USAGE = `federa-idp apps list [--search <text>]
       federa-idp apps templates
       federa-idp apps add-gallery --template sentry|sentry-self-hosted|custom [--org <organization slug>] [--host <Sentry URL>] [--name <display name>]
       federa-idp apps show <app>
       federa-idp apps set <app> [--name <x>] [--enabled yes|no] [--assignment-required yes|no] [--visible yes|no]
       federa-idp apps set-saml <app> [--identifier <entity id>]... [--reply-url <url>]... [--sign-on-url <url>] [--relay-state <x>] [--logout-url <url>]
                                [--name-id-source <user.attribute>] [--name-id-format <format>] [--signing-option assertion|response|both]
                                [--signing-algorithm sha256|sha1] [--notification-email <address>]...
       federa-idp apps set-saml <app> --metadata-file <SP metadata XML file>
       federa-idp apps metadata-url <app>
       federa-idp apps delete <app>
  <app> is a display name, an object id or an application id. The first --identifier / --reply-url is the
  default; each list given replaces the current one. An empty value ('') clears an optional URL.`;

interface Application {
  id: string;
  appId: string;
  displayName: string;
  galleryTemplate: string;
  enabledForSignIn: boolean;
  assignmentRequired: boolean;
  visibleToUsers: boolean;
  federationMetadataUrl: string;
  userAccessUrl: string;
  saml: {
    identifiers: Array<{ identifier: string; isDefault: boolean }>;
    replyUrls: Array<{ url: string; index: number | null; isDefault: boolean }>;
    signOnUrl: string | null;
    relayState: string | null;
    logoutUrl: string | null;
    nameId: { source: string; format: string };
    claims: Array<{ name: string; namespace: string | null; source: string }>;
    signingOption: string;
    signingAlgorithm: string;
  };
}

const mark = (isDefault: boolean, many: boolean) => (isDefault && many ? ' (default)' : '');

export function applicationDetails(app: Application): string {
  const saml = app.saml;
  return `${details([
    ['Name', app.displayName],
    ['Object ID', app.id],
    ['Application ID', app.appId],
    ['Gallery template', app.galleryTemplate],
    ['Enabled for users to sign in', app.enabledForSignIn],
    ['Assignment required', app.assignmentRequired],
    ['Visible to users', app.visibleToUsers],
    [
      'Identifier (Entity ID)',
      saml.identifiers
        .map((i) => `${i.identifier}${mark(i.isDefault, saml.identifiers.length > 1)}`)
        .join(', '),
    ],
    [
      'Reply URL',
      saml.replyUrls
        .map(
          (r) =>
            `${r.url}${r.index === null ? '' : ` (index ${r.index})`}${mark(r.isDefault, saml.replyUrls.length > 1)}`,
        )
        .join(', '),
    ],
    ['Sign on URL', saml.signOnUrl],
    ['Relay State', saml.relayState],
    ['Logout URL', saml.logoutUrl],
    ['NameID', `${saml.nameId.source} (format ${saml.nameId.format})`],
    [
      'Claims',
      saml.claims.map((c) => `${c.namespace ? `${c.namespace}/` : ''}${c.name} = ${c.source}`).join(', '),
    ],
    ['Signing', `${saml.signingOption}, ${saml.signingAlgorithm}`],
    ['App Federation Metadata URL', app.federationMetadataUrl],
    ['User access URL', app.userAccessUrl],
  ])}`;
}

/** `''` clears an optional URL (null); absent leaves it as it is (undefined). */
const optional = (value: string | undefined) =>
  value === undefined ? undefined : value.trim() === '' ? null : value;

export async function appsCommand(ctx: CommandContext, args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const { api, io } = ctx;
  switch (action) {
    case 'list': {
      const parsed = parse(rest, { search: { type: 'string' } }, APPS_USAGE, 0);
      const search = text(parsed, 'search');
      const body = await api.call(
        'GET',
        `/applications${search ? `?search=${encodeURIComponent(search)}` : ''}`,
      );
      if (ctx.json) return io.out(json(body));
      return io.out(
        table(
          ['Name', 'Application ID', 'Object ID', 'Template', 'Enabled'],
          (body.value as Application[]).map((a) => [
            a.displayName,
            a.appId,
            a.id,
            a.galleryTemplate,
            a.enabledForSignIn,
          ]),
          'No applications.',
        ),
      );
    }
    case 'templates': {
      parse(rest, {}, APPS_USAGE, 0);
      const body = await api.call('GET', '/applicationTemplates');
      if (ctx.json) return io.out(json(body));
      return io.out(
        table(
          ['Template', 'Name', 'Needs'],
          (body.value as Array<{ id: string; displayName: string; fields: Array<{ name: string }> }>).map(
            (t) => [
              t.id,
              t.displayName,
              t.fields.map((f) => (f.name === 'organizationSlug' ? '--org' : `--${f.name}`)).join(' '),
            ],
          ),
        ),
      );
    }
    case 'add-gallery': {
      const parsed = parse(
        rest,
        {
          template: { type: 'string' },
          org: { type: 'string' },
          host: { type: 'string' },
          name: { type: 'string' },
        },
        APPS_USAGE,
        0,
      );
      const body: Record<string, unknown> = { template: required(parsed, 'template', APPS_USAGE) };
      if (text(parsed, 'org') !== undefined) body.organizationSlug = text(parsed, 'org');
      if (text(parsed, 'host') !== undefined) body.host = text(parsed, 'host');
      if (text(parsed, 'name') !== undefined) body.displayName = text(parsed, 'name');
      const app = (await api.call('POST', '/applications', body)) as Application;
      if (ctx.json) return io.out(json(app));
      return io.out(`Added ${app.displayName}.\n${applicationDetails(app)}`);
    }
    case 'show': {
      const parsed = parse(rest, {}, APPS_USAGE, 1);
      const app = await api.call(
        'GET',
        `/applications/${seg(await applicationId(ctx, parsed.positionals[0]!))}`,
      );
      return io.out(ctx.json ? json(app) : applicationDetails(app));
    }
    case 'set': {
      const parsed = parse(
        rest,
        {
          name: { type: 'string' },
          enabled: { type: 'string' },
          'assignment-required': { type: 'string' },
          visible: { type: 'string' },
        },
        APPS_USAGE,
        1,
      );
      const body: Record<string, unknown> = {};
      if (text(parsed, 'name') !== undefined) body.displayName = text(parsed, 'name');
      for (const [flag, key] of [
        ['enabled', 'enabledForSignIn'],
        ['assignment-required', 'assignmentRequired'],
        ['visible', 'visibleToUsers'],
      ] as const) {
        const value = yesNo(parsed, flag, APPS_USAGE);
        if (value !== undefined) body[key] = value;
      }
      if (Object.keys(body).length === 0) throw new UsageError(`Say what to change.\n\nUsage: ${APPS_USAGE}`);
      const id = await applicationId(ctx, parsed.positionals[0]!);
      const app = (await api.call('PATCH', `/applications/${seg(id)}`, body)) as Application;
      return io.out(ctx.json ? json(app) : `Saved.\n${applicationDetails(app)}`);
    }
    case 'set-saml':
      return setSaml(ctx, rest);
    case 'metadata-url': {
      const parsed = parse(rest, {}, APPS_USAGE, 1);
      const id = await applicationId(ctx, parsed.positionals[0]!);
      const urls = await api.call('GET', `/applications/${seg(id)}/federation-metadata-url`);
      return io.out(ctx.json ? json(urls) : `${urls.federationMetadataUrl}\n`);
    }
    case 'delete': {
      const parsed = parse(rest, {}, APPS_USAGE, 1);
      const id = await applicationId(ctx, parsed.positionals[0]!);
      await api.call('DELETE', `/applications/${seg(id)}`);
      return io.out(ctx.json ? json({ deleted: id }) : `Deleted application ${parsed.positionals[0]}.\n`);
    }
    default:
      throw new UsageError(
        `${action ? `Unknown apps command: ${action}` : 'Which apps command?'}\n\nUsage: ${APPS_USAGE}`,
      );
  }
}

async function setSaml(ctx: CommandContext, rest: string[]): Promise<void> {
  const parsed = parse(
    rest,
    {
      identifier: { type: 'string', multiple: true },
      'reply-url': { type: 'string', multiple: true },
      'sign-on-url': { type: 'string' },
      'relay-state': { type: 'string' },
      'logout-url': { type: 'string' },
      'name-id-source': { type: 'string' },
      'name-id-format': { type: 'string' },
      'signing-option': { type: 'string' },
      'signing-algorithm': { type: 'string' },
      'notification-email': { type: 'string', multiple: true },
      'metadata-file': { type: 'string' },
    },
    APPS_USAGE,
    1,
  );
  const metadataFile = text(parsed, 'metadata-file');
  const body: Record<string, unknown> = {};
  const identifiers = list(parsed, 'identifier');
  if (identifiers)
    body.identifiers = identifiers.map((identifier, i) => ({ identifier, isDefault: i === 0 }));
  const replyUrls = list(parsed, 'reply-url');
  if (replyUrls) body.replyUrls = replyUrls.map((url, i) => ({ url, isDefault: i === 0 }));
  for (const [flag, key] of [
    ['sign-on-url', 'signOnUrl'],
    ['relay-state', 'relayState'],
    ['logout-url', 'logoutUrl'],
  ] as const) {
    const value = optional(text(parsed, flag));
    if (value !== undefined) body[key] = value;
  }
  const nameId: Record<string, string> = {};
  if (text(parsed, 'name-id-source') !== undefined) nameId.source = text(parsed, 'name-id-source')!;
  if (text(parsed, 'name-id-format') !== undefined) nameId.format = text(parsed, 'name-id-format')!;
  if (Object.keys(nameId).length > 0) body.nameId = nameId;
  if (text(parsed, 'signing-option') !== undefined) body.signingOption = text(parsed, 'signing-option');
  if (text(parsed, 'signing-algorithm') !== undefined)
    body.signingAlgorithm = text(parsed, 'signing-algorithm');
  const emails = list(parsed, 'notification-email');
  if (emails) body.notificationEmails = emails.filter((e) => e.trim() !== '');
  if (metadataFile !== undefined && Object.keys(body).length > 0) {
    throw new UsageError(
      `--metadata-file fills the Basic SAML Configuration by itself: give it alone.\n\nUsage: ${APPS_USAGE}`,
    );
  }
  if (metadataFile === undefined && Object.keys(body).length === 0) {
    throw new UsageError(`Say what to change.\n\nUsage: ${APPS_USAGE}`);
  }
  let metadata: string | undefined;
  if (metadataFile !== undefined) {
    try {
      metadata = await readFile(metadataFile, 'utf8');
    } catch (error) {
      throw new UsageError(`Cannot read ${metadataFile}: ${(error as Error).message}`);
    }
  }
  const id = await applicationId(ctx, parsed.positionals[0]!);
  const saml =
    metadata !== undefined
      ? await ctx.api.call('POST', `/applications/${seg(id)}/saml/metadata`, { metadata })
      : await ctx.api.call('PATCH', `/applications/${seg(id)}/saml`, body);
  if (ctx.json) return ctx.io.out(json(saml));
  const app = await ctx.api.call('GET', `/applications/${seg(id)}`);
  return ctx.io.out(`Saved the single sign-on settings.\n${applicationDetails(app)}`);
}
