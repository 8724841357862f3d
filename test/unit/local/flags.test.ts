import { FlagError, parseDuration, parseFlags } from '../../../local/flags';

describe('npm start flags', () => {
  it('has the documented defaults', () => {
    expect(parseFlags([])).toMatchObject({ host: '127.0.0.1', port: 3001, awsPort: 3002, context: {}, watch: false, verbose: false, noIam: false });
  });

  it('turns IAM enforcement off with --no-iam', () => {
    expect(parseFlags(['--no-iam'])).toMatchObject({ noIam: true });
  });

  it('reads every flag, in both --flag value and --flag=value forms', () => {
    const f = parseFlags(['--port', '0', '--aws-port=0', '--stage', 'dev', '-c', 'deliveryConcurrency=8', '--persist', '/tmp/x',
      '--idle-timeout', '30s', '--max-connection=1.5m', '--watch', '--verbose', '--cdk-out', 'out', '--stack', 'S']);
    expect(f).toMatchObject({
      port: 0, awsPort: 0, context: { stageName: 'dev', deliveryConcurrency: '8' }, persist: '/tmp/x',
      idleTimeoutMs: 30_000, maxConnectionMs: 90_000, watch: true, verbose: true, cdkOut: 'out', stack: 'S',
    });
  });

  it.each([
    [['--port', 'abc'], '--port "abc" is not a port. Use 0 to 65535 (0 picks a free port), e.g. --port 3001.'],
    [['--port', '70000'], '--port "70000" is not a port. Use 0 to 65535 (0 picks a free port), e.g. --port 3001.'],
    [['--idle-timeout', 'soon'], '--idle-timeout "soon" is not a duration. Use a number with ms, s, m or h, e.g. --idle-timeout 30s.'],
    [['--max-connection', '0s'], '--max-connection must be more than zero, e.g. --max-connection 30s.'],
    [['-c', 'novalue'], '-c "novalue" must be KEY=VALUE, e.g. -c stageName=dev.'],
    [['--persist'], '--persist needs a value. See --help.'],
    [['--prot', '1'], 'unknown flag "--prot". See --help.'],
    [['--port', '4000', '--aws-port', '4000'], '--port and --aws-port are both 4000; give them different ports.'],
    [['serve', '--port', '0'], 'unknown command "serve". The command is local: websocket-push local [flags]. See --help.'],
  ])('rejects %j with a message naming the flag', (argv, message) => {
    expect(() => parseFlags(argv)).toThrow(new FlagError(message));
    try { parseFlags(argv); } catch (e) { expect((e as FlagError).code).toBe('InvalidFlag'); }
  });

  it('takes the command local first, or no command (local is the default)', () => {
    expect(parseFlags(['local', '--port', '0', '--watch'])).toMatchObject({ port: 0, watch: true });
    expect(parseFlags(['--port', '0', '--watch'])).toEqual(parseFlags(['local', '--port', '0', '--watch']));
    expect(() => parseFlags(['--port', '0', 'local'])).toThrow(new FlagError('unknown flag "local". See --help.'));
  });

  it('parses durations', () => {
    expect(parseDuration('--x', '250')).toBe(250);
    expect(parseDuration('--x', '2h')).toBe(7_200_000);
  });
});
