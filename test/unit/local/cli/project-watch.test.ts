import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { globToRegExp, isWatched, readWatchRules } from '../../../../local/project-watch';

describe('--watch: which files of a project it reacts to', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'project-watch-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads glob patterns as cdk watch does', () => {
    expect(globToRegExp('lib/**').test('lib/a/b.ts')).toBe(true);
    expect(globToRegExp('lib/**').test('libs/a.ts')).toBe(false);
    expect(globToRegExp('**/*.d.ts').test('a.d.ts')).toBe(true);
    expect(globToRegExp('**/*.d.ts').test('lib/x/a.d.ts')).toBe(true);
    expect(globToRegExp('cdk*.json').test('cdk.context.json')).toBe(true);
    expect(globToRegExp('*.ts').test('lib/a.ts')).toBe(false);
    expect(globToRegExp('file?.ts').test('file1.ts')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });

  it("follows cdk.json's watch.include and watch.exclude, and never watches dependencies or the local state", () => {
    writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: 'x', watch: { include: ['bin/**', 'lib/**', 'lambda/**'], exclude: ['**/*.d.ts', 'lib/generated'] } }));
    const rules = readWatchRules(dir);
    expect(isWatched(rules, 'lib/shop-stack.ts')).toBe(true);
    expect(isWatched(rules, 'lambda/order-notifier.ts')).toBe(true);
    expect(isWatched(rules, 'lib/shop-stack.d.ts')).toBe(false);
    expect(isWatched(rules, 'lib/generated/api.ts')).toBe(false);
    expect(isWatched(rules, 'test/shop.test.ts')).toBe(false);
    expect(isWatched(rules, 'README.md')).toBe(false);
  });

  it('without a watch key watches every file but node_modules, cdk.out, .local-state and dot folders', () => {
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: 'x' }));
    const rules = readWatchRules(dir);
    expect(isWatched(rules, 'lib/a.ts')).toBe(true);
    expect(isWatched(rules, 'cdk.json')).toBe(true);
    for (const path of ['node_modules/x/index.js', 'cdk.out/manifest.json', '.local-state/endpoints.json', '.git/HEAD']) {
      expect(isWatched(rules, path)).toBe(false);
    }
  });
});
