import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedAssembly, synthInputsHash, SYNTH_CACHE_FOLDER } from '../../../local/synth-cache';

describe('the synth cache', () => {
  let project: string;
  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'synth-cache-'));
    writeFileSync(join(project, 'cdk.json'), JSON.stringify({ app: 'x', watch: { include: ['lib/**', 'bin/**'] } }));
    writeFileSync(join(project, 'package-lock.json'), '{"lockfileVersion":3}');
    mkdirSync(join(project, 'lib'));
    mkdirSync(join(project, 'docs'));
    writeFileSync(join(project, 'lib', 'stack.ts'), 'export const a = 1;');
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  it('hashes the watched sources, cdk.json, the lock file and the context, and nothing else', () => {
    const first = synthInputsHash({ projectDir: project });
    writeFileSync(join(project, 'docs', 'notes.md'), 'not an input');
    expect(synthInputsHash({ projectDir: project })).toBe(first);
    expect(synthInputsHash({ projectDir: project, context: { stageName: 'dev' } })).not.toBe(first);
    writeFileSync(join(project, 'lib', 'stack.ts'), 'export const a = 2;');
    const changed = synthInputsHash({ projectDir: project });
    expect(changed).not.toBe(first);
    writeFileSync(join(project, 'package-lock.json'), '{"lockfileVersion":3,"x":1}');
    expect(synthInputsHash({ projectDir: project })).not.toBe(changed);
  });

  it('synthesizes once, reuses the assembly while nothing changed, and synthesizes again after a change', async () => {
    const synthesized: string[] = [];
    const synthesize = async (outDir: string) => {
      synthesized.push(outDir);
      mkdirSync(outDir, { recursive: true });
      writeFileSync(join(outDir, 'manifest.json'), '{}');
    };
    const first = await cachedAssembly({ projectDir: project }, synthesize);
    expect(existsSync(join(first, 'manifest.json'))).toBe(true);
    expect(await cachedAssembly({ projectDir: project }, synthesize)).toBe(first);
    expect(synthesized).toHaveLength(1);
    writeFileSync(join(project, 'lib', 'stack.ts'), 'export const a = 3;');
    const second = await cachedAssembly({ projectDir: project }, synthesize);
    expect(second).not.toBe(first);
    expect(synthesized).toHaveLength(2);
  });

  it('never reuses an interrupted synth', async () => {
    await expect(cachedAssembly({ projectDir: project }, async () => { throw new Error('synth failed'); })).rejects.toThrow('synth failed');
    expect(readdirSync(join(project, SYNTH_CACHE_FOLDER))).toEqual([]);
    let runs = 0;
    await cachedAssembly({ projectDir: project }, async (outDir) => { runs++; mkdirSync(outDir, { recursive: true }); });
    expect(runs).toBe(1);
  });
});
