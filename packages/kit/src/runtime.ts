/**
 * Node options both services run with (`npm start`, the tests' and benchmarks' processes; operators
 * pass the same, see docs/operations.md). V8 sizes the young generation from the machine's memory: on
 * a machine with a lot of it each semi-space grows to 64 MB under load, and a service's resident set
 * to 250–400 MB for objects that live a millisecond. 8 MB keeps it near 200 MB for the same CPU time
 * (measured with `npm run bench -- login`).
 */
export const SERVICE_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=8'];
