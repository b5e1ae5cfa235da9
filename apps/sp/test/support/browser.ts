import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

interface StoredCookie {
  value: string;
  sameSite: 'lax' | 'strict' | 'none';
}

/**
 * A browser for in-process tests: keeps cookies (with their SameSite), remembers the last CSRF token
 * a page carried and adds it to form posts, and can post cross-site the way an IdP's auto-submitted
 * form arrives (only `SameSite=None` cookies are sent).
 */
export class Browser {
  readonly app: FastifyInstance;
  readonly cookies = new Map<string, StoredCookie>();
  csrf: string | null = null;

  constructor(app: FastifyInstance) {
    this.app = app;
  }

  /** Another browser sharing nothing with this one, on another app instance if given. */
  fork(app: FastifyInstance = this.app): Browser {
    const other = new Browser(app);
    for (const [k, v] of this.cookies) other.cookies.set(k, { ...v });
    other.csrf = this.csrf;
    return other;
  }

  private cookieHeader(crossSite: boolean): string {
    return [...this.cookies]
      .filter(([, c]) => !crossSite || c.sameSite === 'none')
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  private remember(response: LightMyRequestResponse): void {
    const header = response.headers['set-cookie'];
    const list = header === undefined ? [] : Array.isArray(header) ? header : [String(header)];
    for (const line of list) {
      const [pair, ...attributes] = line.split(';').map((p) => p.trim());
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      const attrs = attributes.map((a) => a.toLowerCase());
      const expired =
        value === '' ||
        attrs.some((a) => a === 'max-age=0') ||
        attrs.some((a) => a.startsWith('expires=') && Date.parse(a.slice(8)) < Date.now());
      if (expired) {
        this.cookies.delete(name);
        continue;
      }
      const sameSite = (attrs.find((a) => a.startsWith('samesite='))?.slice(9) ??
        'lax') as StoredCookie['sameSite'];
      this.cookies.set(name, { value, sameSite });
    }
    const match = /name="_csrf" value="([^"]+)"/.exec(response.body);
    if (match) this.csrf = match[1]!;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      method: 'GET',
      url,
      headers: { cookie: this.cookieHeader(false), ...headers },
    });
    this.remember(response);
    return response;
  }

  /** A same-site form post with the CSRF token of the last page seen. */
  async post(
    url: string,
    form: Record<string, string> = {},
    options: { csrf?: boolean } = {},
  ): Promise<LightMyRequestResponse> {
    const payload = new URLSearchParams(
      options.csrf === false || !this.csrf ? form : { _csrf: this.csrf, ...form },
    );
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(false), 'content-type': 'application/x-www-form-urlencoded' },
      payload: payload.toString(),
    });
    this.remember(response);
    return response;
  }

  /** What an IdP's auto-submitting form does: a cross-site POST, so SameSite=Lax cookies stay home. */
  async crossSitePost(url: string, form: Record<string, string>): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(true), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(form).toString(),
    });
    this.remember(response);
    return response;
  }

  /** GETs pages until a response is not a redirect to this site; returns it and the final path. */
  async follow(
    response: LightMyRequestResponse,
    limit = 10,
  ): Promise<{ response: LightMyRequestResponse; url: string | null }> {
    let current = response;
    let url: string | null = null;
    for (let i = 0; i < limit && current.statusCode >= 300 && current.statusCode < 400; i++) {
      const location = String(current.headers.location);
      if (!location.startsWith('/')) return { response: current, url: location };
      url = location;
      current = await this.get(location);
    }
    return { response: current, url };
  }
}

export function location(response: LightMyRequestResponse): string {
  return String(response.headers.location ?? '');
}
