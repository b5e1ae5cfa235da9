import { type CommandContext, parse, required, seg } from './args.ts';
import { UsageError } from './client.ts';
import { json, table } from './output.ts';
import { applicationId } from './resolve.ts';

export const CERTS_USAGE = `federa-idp certs list --app <app>
       federa-idp certs create --app <app>
       federa-idp certs activate|download|delete --app <app> <certificate>
  <certificate> is a thumbprint or an id; download writes the PEM to standard output.`;

interface Certificate {
  id: string;
  thumbprint: string;
  notBefore: string;
  expiresAt: string;
  isActive: boolean;
}

export async function certsCommand(ctx: CommandContext, args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const { api, io } = ctx;
  const withCertificate = ['activate', 'download', 'delete'].includes(action ?? '');
  if (!['list', 'create'].includes(action ?? '') && !withCertificate) {
    throw new UsageError(
      `${action ? `Unknown certs command: ${action}` : 'Which certs command?'}\n\nUsage: ${CERTS_USAGE}`,
    );
  }
  const parsed = parse(rest, { app: { type: 'string' } }, CERTS_USAGE, withCertificate ? 1 : 0);
  const app = await applicationId(ctx, required(parsed, 'app', CERTS_USAGE));
  const base = `/applications/${seg(app)}/certificates`;
  const certificate = parsed.positionals[0] ?? '';
  switch (action) {
    case 'list': {
      const body = await api.call('GET', base);
      if (ctx.json) return io.out(json(body));
      return io.out(
        table(
          ['Status', 'Thumbprint', 'Expires', 'ID'],
          (body.value as Certificate[]).map((c) => [
            c.isActive ? 'Active' : Date.parse(c.expiresAt) <= Date.now() ? 'Expired' : 'Inactive',
            c.thumbprint,
            c.expiresAt,
            c.id,
          ]),
          'No certificates.',
        ),
      );
    }
    case 'create': {
      const created = (await api.call('POST', base)) as Certificate;
      if (ctx.json) return io.out(json(created));
      return io.out(
        `Created an inactive certificate, thumbprint ${created.thumbprint}, expiring ${created.expiresAt}.\nThe metadata lists it now; once the application has read it, make it active with:\n  federa-idp certs activate --app ${app} ${created.thumbprint}\n`,
      );
    }
    case 'activate': {
      const activated = (await api.call('POST', `${base}/${seg(certificate)}/activate`)) as Certificate;
      if (ctx.json) return io.out(json(activated));
      return io.out(`Certificate ${activated.thumbprint} is active: responses are signed with it.\n`);
    }
    case 'download':
      return io.out(await api.text(`${base}/${seg(certificate)}/pem`));
    default: {
      await api.call('DELETE', `${base}/${seg(certificate)}`);
      return io.out(ctx.json ? json({ deleted: certificate }) : `Deleted certificate ${certificate}.\n`);
    }
  }
}
