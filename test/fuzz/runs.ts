/** Runs of each property: small in `npm test`, raised by `npm run fuzz` (FUZZ_RUNS=20000). */
export const FUZZ_RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 150) || 150);
/** Jest timeout of a fuzz test: grows with the runs. */
export const FUZZ_TIMEOUT_MS = 30_000 + FUZZ_RUNS * 20;
