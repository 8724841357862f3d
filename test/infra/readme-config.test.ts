import { readFileSync } from 'fs';
import * as path from 'path';
import { CONFIG_KEYS, type ConfigKey } from '../../lib/config-keys';
import { CONFIG_KEY_NAMES } from '../../lib/config';

/** The rows of the README's configuration table: key, default and meaning cells. */
function readmeRows(): Array<{ key: string; default: string; meaning: string }> {
  const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Configuration\n'));
  if (!section) throw new Error('README.md has no "## Configuration" section');
  const lines = section.split('\n').filter((line) => line.startsWith('| '));
  expect(lines[0]).toBe('| key | default | meaning |');
  return lines.slice(2).map((line) => {
    const cells = line.slice(2, -2).split(' | ');
    expect(cells).toHaveLength(3);
    const key = /^`(\w+)`$/.exec(cells[0]!);
    if (!key) throw new Error(`README configuration row does not name one key: ${line}`);
    return { key: key[1]!, default: cells[1]!, meaning: cells[2]! };
  });
}

/** How the README shows a key's default: its `defaultText`, `—` when it has none, else the value. */
function shownDefault(declaration: ConfigKey<unknown>): string {
  if (declaration.defaultText !== undefined) return declaration.defaultText;
  const value = declaration.default;
  if (value === undefined) return '—';
  return `\`${Array.isArray(value) ? value.join(',') : String(value)}\``;
}

describe('README configuration table', () => {
  const rows = readmeRows();

  test('lists exactly the declared keys, in their order', () => {
    expect(rows.map((r) => r.key)).toEqual(CONFIG_KEY_NAMES);
  });

  test.each(CONFIG_KEY_NAMES)('shows the default of %s', (key) => {
    const row = rows.find((r) => r.key === key);
    // A note may follow the value, e.g. "`10800` (3 h)".
    expect(row?.default.replace(/ \([^)]*\)$/, '')).toBe(shownDefault(CONFIG_KEYS[key] as ConfigKey<unknown>));
  });

  test('states the bounds the keys accept where it gives them', () => {
    const bounded = rows.filter((r) => /\(\d+–\d+\)/.test(r.meaning));
    expect(bounded.length).toBeGreaterThan(0);
    for (const row of bounded) {
      const declaration = CONFIG_KEYS[row.key as keyof typeof CONFIG_KEYS] as ConfigKey<unknown>;
      expect([row.key, /\((\d+)–(\d+)\)/.exec(row.meaning)!.slice(1).map(Number)]).toEqual([row.key, [declaration.min, declaration.max]]);
    }
  });
});
