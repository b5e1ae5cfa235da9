import type { FastifyInstance, LightMyRequestResponse as InjectResponse } from 'fastify';

/** Decodes the entities our HTML writes (&#NN; and the named five). */
export function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The value of the (first) input named `name` in a page. */
export function inputValue(page: string, name: string): string | null {
  const tag = new RegExp(`<input[^>]*name="${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>`).exec(
    page,
  )?.[0];
  if (!tag) return null;
  const value = /value="([^"]*)"/.exec(tag);
  return value ? decodeEntities(value[1]!) : '';
}

/** The SAML POST form a response page holds: action, SAMLResponse (XML) and RelayState. */
export function samlPostOf(page: string): {
  action: string;
  samlResponse: string;
  xml: string;
  relayState: string | null;
} {
  const action = /<form id="federa-saml-post" method="post" action="([^"]*)"/.exec(page)?.[1];
  const samlResponse = inputValue(page, 'SAMLResponse');
  if (!action || !samlResponse) throw new Error(`not a SAML POST form page:\n${page.slice(0, 800)}`);
  return {
    action: decodeEntities(action),
    samlResponse,
    xml: Buffer.from(samlResponse, 'base64').toString('utf8'),
    relayState: inputValue(page, 'RelayState'),
  };
}

/**
 * A browser over `app.inject`: keeps the cookies the IdP sets (the session), and puts the page's CSRF
 * token into every form it posts unless told not to.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  csrf: string | null = null;
  readonly app: FastifyInstance;
  readonly userAgent: string;

  constructor(app: FastifyInstance, userAgent = 'Mozilla/5.0 (federa test browser)') {
    this.app = app;
    this.userAgent = userAgent;
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(response: InjectResponse): InjectResponse {
    const header = response.headers['set-cookie'];
    const lines = Array.isArray(header) ? header : header ? [String(header)] : [];
    for (const line of lines) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) this.csrf = token;
    return response;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<InjectResponse> {
    return this.keep(
      await this.app.inject({
        method: 'GET',
        url,
        headers: { cookie: this.cookieHeader(), 'user-agent': this.userAgent, ...headers },
      }),
    );
  }

  /** Posts a form (urlencoded); adds `_csrf` unless `csrf: false`. */
  async post(
    url: string,
    fields: Record<string, string | readonly string[]>,
    options: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<InjectResponse> {
    // A list posts the field once per value, as a multiple select does.
    const body = new URLSearchParams(
      Object.entries(fields).flatMap(([k, v]) =>
        typeof v === 'string' ? [[k, v]] : v.map((one) => [k, one]),
      ),
    );
    if (options.csrf !== false && this.csrf && !('_csrf' in fields)) body.set('_csrf', this.csrf);
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        payload: body.toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: this.cookieHeader(),
          'user-agent': this.userAgent,
          ...(options.headers ?? {}),
        },
      }),
    );
  }

  /** Posts a multipart/form-data form (a file input and fields, with `_csrf`), as a browser uploads a file. */
  async postMultipart(
    url: string,
    fields: Record<string, string>,
    file: { field: string; name: string; type: string; content: string },
  ): Promise<InjectResponse> {
    const boundary = `----federa${Math.random().toString(16).slice(2)}`;
    const parts = Object.entries({ ...(this.csrf ? { _csrf: this.csrf } : {}), ...fields }).map(
      ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
    );
    parts.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n${file.content}\r\n`,
    );
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        payload: `${parts.join('')}--${boundary}--\r\n`,
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          cookie: this.cookieHeader(),
          'user-agent': this.userAgent,
        },
      }),
    );
  }

  /** Follows 30x redirects (GET) from `response`, up to 10, staying on this app. */
  async follow(response: InjectResponse): Promise<InjectResponse> {
    let current = response;
    for (let i = 0; i < 10 && current.statusCode >= 300 && current.statusCode < 400; i++) {
      const location = String(current.headers.location);
      const url = new URL(location, 'http://127.0.0.1:4000');
      current = await this.get(`${url.pathname}${url.search}`);
    }
    return current;
  }

  /** Signs in on `/{tenant}/login` (the page reached by following `response`, or a fresh one). */
  async signIn(userName: string, password: string, loginPage?: InjectResponse): Promise<InjectResponse> {
    const page = loginPage ?? (await this.get('/common/login'));
    const action = /<form method="post" action="([^"]*\/login)"/.exec(page.body)?.[1] ?? '/common/login';
    const fields: Record<string, string> = { username: userName, password };
    const flow = inputValue(page.body, 'flow');
    if (flow) fields.flow = flow;
    const back = inputValue(page.body, 'return');
    if (back) fields.return = back;
    return this.post(decodeEntities(action), fields);
  }
}
