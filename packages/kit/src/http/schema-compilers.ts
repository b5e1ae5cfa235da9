import ValidatorSelector from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

/**
 * `compile(route)` deferred until its result is first called or read (Fastify reads a validator's
 * `errors` and `schemaEnv`): a stand-in that compiles then and forwards everything to what it made.
 */
function onFirstUse<Route, Compiled extends object>(
  compile: (route: Route) => Compiled,
): (route: Route) => Compiled {
  return (route) => {
    let compiled: Compiled | undefined;
    const real = () => {
      compiled ??= compile(route);
      return compiled;
    };
    return new Proxy((() => undefined) as unknown as Compiled, {
      apply: (_target, self, args) => Reflect.apply(real() as (...a: unknown[]) => unknown, self, args),
      get: (_target, property) => Reflect.get(real(), property),
      has: (_target, property) => Reflect.has(real(), property),
    });
  };
}

/**
 * Fastify's own schema compilers (Ajv for requests, fast-json-stringify for responses), compiling a
 * route's schemas on its first request instead of all at start. The Directory's admin API has some
 * 60 operations with schemas: compiling them at start allocated about 30 MB and left the process
 * 10 MB larger for its whole life, for routes a sign-in never calls (measured with the services'
 * resident set, `npm run bench -- login`). A broken schema now fails its route's first request,
 * which the API's tests make.
 */
export function compileSchemasOnFirstUse(): NonNullable<FastifyServerOptions['schemaController']> {
  // One of each per server, as Fastify makes them: they share compilers between contexts with the same schemas.
  const validators = ValidatorSelector();
  const serializers = SerializerSelector();
  return {
    compilersFactory: {
      buildValidator: (externalSchemas, options) => onFirstUse(validators(externalSchemas, options)),
      buildSerializer: (externalSchemas, options) => onFirstUse(serializers(externalSchemas, options)),
    },
  };
}
