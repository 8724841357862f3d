/** Reads `--flag N` / `--flag=N` pairs of `allowed` into numbers. */
export function numericFlags<K extends string>(argv: readonly string[], allowed: Record<K, string>): { values: Partial<Record<K, number>>; rest: string[] } {
  const values: Partial<Record<K, number>> = {};
  const rest: string[] = [];
  const byFlag = new Map(Object.entries(allowed).map(([k, flag]) => [flag as string, k as K]));
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s);
    const key = byFlag.get(flag!);
    if (!key) {
      rest.push(argv[i]!);
      continue;
    }
    const text = inline ?? argv[++i] ?? '';
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${flag} must be a number from 0, got "${text}"`);
    values[key] = value;
  }
  return { values, rest };
}
