// Complete SP-initiated sign-ins over HTTP, the way a browser makes them but without one: a cookie jar
// per virtual user, the Workspace's organization login page and its CSRF token, the redirect to the
// Directory (where the user already has a session), the auto-submitting form parsed and posted to the
// ACS, and the organization page. Used by `npm run bench -- login` and by the fault tests.
//
// Each service has a public URL (its base URL, that every SAML address is built on) and one or more
// instances (processes on their own ports, all configured with that base URL). Like a load balancer,
// the driver sends each request for a public URL to the next instance in turn, and takes an instance
// out of the rotation once a connection to it fails (a passive health check).
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Service {
  /** The base URL the service is configured with (SAML addresses, metadata, redirects). */
  publicUrl: string;
  /** The instances' own URLs (`http://127.0.0.1:port`), in rotation. */
  instances: string[];
}

interface Cookie {
  value: string;
  path: string;
  sameSite: 'lax' | 'strict' | 'none';
}

/** One browser's cookies: per host (cookies ignore ports), with path and SameSite honoured. */
export class CookieJar {
  private readonly hosts = new Map<string, Map<string, Cookie>>();

  /** The Cookie header for `url`; a cross-site request (the IdP's form posting to the ACS) sends only SameSite=None. */
  header(url: URL, crossSite: boolean): string {
    const cookies = this.hosts.get(url.hostname);
    if (!cookies) return '';
    const pairs: string[] = [];
    for (const [name, cookie] of cookies) {
      if (!url.pathname.startsWith(cookie.path)) continue;
      if (crossSite && cookie.sameSite !== 'none') continue;
      pairs.push(`${name}=${cookie.value}`);
    }
    return pairs.join('; ');
  }

  store(url: URL, setCookie: string[] | undefined): void {
    if (!setCookie) return;
    let cookies = this.hosts.get(url.hostname);
    if (!cookies) {
      cookies = new Map();
      this.hosts.set(url.hostname, cookies);
    }
    for (const line of setCookie) {
      const [pair, ...attributes] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      let path = '/';
      let sameSite: Cookie['sameSite'] = 'lax';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key, raw = ''] = attribute.trim().split('=');
        const k = key!.toLowerCase();
        if (k === 'path') path = raw;
        else if (k === 'samesite') sameSite = raw.toLowerCase() as Cookie['sameSite'];
        else if (k === 'max-age' && Number(raw) <= 0) expired = true;
        else if (k === 'expires' && Date.parse(raw) < Date.now()) expired = true;
      }
      if (expired) cookies.delete(name);
      else cookies.set(name, { value, path, sameSite });
    }
  }

  clear(): void {
    this.hosts.clear();
  }
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The instance that answered. */
  instance: string;
}

/** Why a step failed: a status the flow did not expect, or no answer from the instance at all. */
export class StepFailure extends Error {
  readonly step: string;
  readonly instance: string;
  readonly status: number | null;
  /** `status`: the instance answered with an unexpected status; `connection`: it did not answer. */
  readonly kind: 'status' | 'connection' | 'timeout' | 'content';
  constructor(
    step: string,
    instance: string,
    kind: StepFailure['kind'],
    status: number | null,
    detail: string,
  ) {
    super(`${step} at ${instance}: ${kind}${status === null ? '' : ` ${status}`} (${detail})`);
    this.step = step;
    this.instance = instance;
    this.kind = kind;
    this.status = status;
  }
}

export interface VirtualUser {
  userName: string;
  password: string;
  jar: CookieJar;
}

export interface LoginResult {
  ok: boolean;
  ms: number;
  failure: StepFailure | null;
}

/** The auto-submitting form an IdP answers with: where it posts, and its fields. */
export interface SamlPost {
  action: string;
  fields: Record<string, string>;
}

const decode = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

export function csrfOf(body: string): string | null {
  const match = /name="_csrf" value="([^"]+)"/.exec(body);
  return match ? decode(match[1]!) : null;
}

export function samlPostOf(body: string): SamlPost | null {
  const form = /<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(body);
  if (!form) return null;
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[decode(input[1]!)] = decode(input[2]!);
  }
  return { action: decode(form[1]!), fields };
}

export interface DriverOptions {
  idp: Service;
  sp: Service;
  /** The Directory tenant (GUID or verified domain) users sign in to. */
  tenant: string;
  /** The Workspace organization slug, and the name its home page shows. */
  organization: string;
  organizationName: string;
  /** Per request; default 15 s. */
  timeoutMs?: number;
}

/**
 * Drives sign-ins for any number of virtual users. Each step is exposed on its own (the fault tests
 * stop between them), and `login` runs them all.
 */
export class LoginDriver {
  readonly options: DriverOptions;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly turn = new Map<Service, number>();
  /** Instances taken out of rotation after a failed connection. */
  readonly down = new Set<string>();

  constructor(options: DriverOptions) {
    this.options = options;
  }

  /** The service a public URL belongs to. */
  private serviceOf(url: URL): Service {
    for (const service of [this.options.idp, this.options.sp]) {
      if (new URL(service.publicUrl).origin === url.origin) return service;
    }
    throw new Error(`no service at ${url.origin}`);
  }

  /** The next instance of `service` in rotation (round robin over those not down). */
  pick(service: Service): string {
    const up = service.instances.filter((i) => !this.down.has(i));
    if (up.length === 0) throw new Error(`no instance of ${service.publicUrl} is up`);
    const n = this.turn.get(service) ?? 0;
    this.turn.set(service, n + 1);
    return up[n % up.length]!;
  }

  /** One HTTP request for a public URL, sent to an instance (`instance`, or the next in rotation). */
  async request(
    user: VirtualUser,
    step: string,
    method: 'GET' | 'POST',
    publicUrl: string,
    options: { form?: Record<string, string>; crossSite?: boolean; instance?: string } = {},
  ): Promise<HttpResponse> {
    const url = new URL(publicUrl);
    const instance = options.instance ?? this.pick(this.serviceOf(url));
    const target = new URL(instance);
    const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
    const headers: http.OutgoingHttpHeaders = {
      host: url.host,
      'user-agent': 'Mozilla/5.0 (federa login driver)',
      accept: 'text/html',
    };
    const cookie = user.jar.header(url, options.crossSite ?? false);
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const timeoutMs = this.options.timeoutMs ?? 15_000;
    const response = await new Promise<HttpResponse>((resolve, reject) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          method,
          path: `${url.pathname}${url.search}`,
          headers,
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              instance,
            }),
          );
          res.on('error', (error) =>
            reject(new StepFailure(step, instance, 'connection', null, error.message)),
          );
        },
      );
      let timedOut = false;
      req.setTimeout(timeoutMs, () => {
        timedOut = true;
        req.destroy();
        reject(new StepFailure(step, instance, 'timeout', null, `no answer in ${timeoutMs} ms`));
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (timedOut) return;
        // A load balancer's passive health check: an instance that drops a connection leaves the rotation.
        this.down.add(instance);
        reject(new StepFailure(step, instance, 'connection', null, error.code ?? error.message));
      });
      if (body !== undefined) req.write(body);
      req.end();
    });
    user.jar.store(url, response.headers['set-cookie']);
    return response;
  }

  private expect(response: HttpResponse, step: string, status: number): HttpResponse {
    if (response.status !== status) {
      const code = /"code":"([^"]+)"|Error code<\/dt>\s*<dd>([^<]+)/.exec(response.body);
      throw new StepFailure(
        step,
        response.instance,
        'status',
        response.status,
        code ? (code[1] ?? code[2] ?? '') : response.body.slice(0, 120),
      );
    }
    return response;
  }

  /** Signs the user in at the Directory (a live SSO session for the sign-ins that follow). */
  async signInAtIdp(user: VirtualUser): Promise<void> {
    const { idp, tenant } = this.options;
    const loginUrl = `${idp.publicUrl}/${encodeURIComponent(tenant)}/login`;
    const page = this.expect(
      await this.request(user, 'idp-login-page', 'GET', loginUrl),
      'idp-login-page',
      200,
    );
    const csrf = csrfOf(page.body);
    if (!csrf) throw new StepFailure('idp-login-page', page.instance, 'content', 200, 'no CSRF token');
    const done = await this.request(user, 'idp-sign-in', 'POST', loginUrl, {
      form: { _csrf: csrf, username: user.userName, password: user.password },
    });
    this.expect(done, 'idp-sign-in', 303);
  }

  /**
   * Steps 1–3: the Workspace login page (GET, for its CSRF token), the POST that starts SSO, and the
   * Directory's answer to the AuthnRequest: the form that would post the SAMLResponse to the ACS.
   */
  async startLogin(user: VirtualUser, pin: { sp?: string; idp?: string } = {}): Promise<SamlPost> {
    const { sp, organization } = this.options;
    const loginUrl = `${sp.publicUrl}/auth/login/${organization}/`;
    const page = this.expect(
      await this.request(user, 'sp-login-page', 'GET', loginUrl, { instance: pin.sp }),
      'sp-login-page',
      200,
    );
    const csrf = csrfOf(page.body);
    if (!csrf) throw new StepFailure('sp-login-page', page.instance, 'content', 200, 'no CSRF token');
    const started = this.expect(
      await this.request(user, 'sp-start', 'POST', loginUrl, {
        form: { _csrf: csrf, next: `/organizations/${organization}/` },
        instance: pin.sp,
      }),
      'sp-start',
      303,
    );
    const location = String(started.headers.location);
    const answer = this.expect(
      await this.request(user, 'idp-sso', 'GET', location, { instance: pin.idp }),
      'idp-sso',
      200,
    );
    const post = samlPostOf(answer.body);
    if (!post?.fields.SAMLResponse) {
      throw new StepFailure('idp-sso', answer.instance, 'content', 200, 'no SAMLResponse form');
    }
    return post;
  }

  /** Step 4: the browser's cross-site POST of the SAMLResponse to the ACS. */
  postToAcs(user: VirtualUser, post: SamlPost, instance?: string): Promise<HttpResponse> {
    return this.request(user, 'acs', 'POST', post.action, { form: post.fields, crossSite: true, instance });
  }

  /** Steps 4–5: the ACS must answer 303, and the organization page it leads to must show the organization. */
  async finishLogin(user: VirtualUser, post: SamlPost, pin: { sp?: string } = {}): Promise<void> {
    const accepted = this.expect(await this.postToAcs(user, post, pin.sp), 'acs', 303);
    const next = new URL(String(accepted.headers.location), this.options.sp.publicUrl);
    const home = this.expect(
      await this.request(user, 'organization-page', 'GET', next.href, { instance: pin.sp }),
      'organization-page',
      200,
    );
    if (!home.body.includes(this.options.organizationName)) {
      throw new StepFailure(
        'organization-page',
        home.instance,
        'content',
        200,
        'the page does not show the organization',
      );
    }
  }

  /** A complete SP-initiated sign-in; never throws: the result says what failed. */
  async login(user: VirtualUser): Promise<LoginResult> {
    const start = performance.now();
    try {
      await this.finishLogin(user, await this.startLogin(user));
      return { ok: true, ms: performance.now() - start, failure: null };
    } catch (error) {
      const failure =
        error instanceof StepFailure
          ? error
          : new StepFailure(
              'driver',
              '-',
              'content',
              null,
              error instanceof Error ? error.message : String(error),
            );
      return { ok: false, ms: performance.now() - start, failure };
    }
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Runs `loop` for each user concurrently until `until()` says stop; returns every result. Used with a
 * time and a count bound, so that a run always ends.
 */
export async function stream(
  driver: LoginDriver,
  users: readonly VirtualUser[],
  until: (results: readonly LoginResult[]) => boolean,
  onResult?: (result: LoginResult) => void,
): Promise<LoginResult[]> {
  const results: LoginResult[] = [];
  await Promise.all(
    users.map(async (user) => {
      while (!until(results)) {
        const result = await driver.login(user);
        results.push(result);
        onResult?.(result);
        // After a failure, a moment's pause before starting again (a person clicks again, not a loop).
        if (!result.ok) await new Promise((r) => setTimeout(r, 50));
      }
    }),
  );
  return results;
}
