import { CREDENTIAL_REFRESH_WINDOW_MS, refreshingCredentials, type Credentials } from '../../../lambdas/adapters/refreshing-credentials';

describe('refreshingCredentials', () => {
  it('keeps credentials without an expiration for good', async () => {
    let calls = 0;
    const get = refreshingCredentials(async () => ({ accessKeyId: `k${++calls}`, secretAccessKey: 's' }));
    await get();
    await get();
    expect(calls).toBe(1);
  });

  it('shares one fetch between concurrent callers, and fetches again inside the refresh window', async () => {
    let clock = 0;
    let calls = 0;
    const provider = async (): Promise<Credentials> => ({ accessKeyId: `k${++calls}`, secretAccessKey: 's', expiration: new Date(clock + CREDENTIAL_REFRESH_WINDOW_MS + 1000) });
    const get = refreshingCredentials(provider, () => clock);
    const [a, b] = await Promise.all([get(), get()]);
    expect([a.accessKeyId, b.accessKeyId, calls]).toEqual(['k1', 'k1', 1]);
    clock += 999;
    expect((await get()).accessKeyId).toBe('k1');
    clock += 1;
    expect((await get()).accessKeyId).toBe('k2');
  });

  it('does not keep a failed fetch: the next call asks again', async () => {
    let calls = 0;
    const get = refreshingCredentials(async () => {
      if (++calls === 1) throw new Error('metadata service unavailable');
      return { accessKeyId: 'k', secretAccessKey: 's' };
    });
    await expect(get()).rejects.toThrow('metadata service unavailable');
    expect((await get()).accessKeyId).toBe('k');
    expect(calls).toBe(2);
  });
});
