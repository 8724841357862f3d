import { runLocalBench } from '../../../bench/local';
import { DEFAULT_MAX_MESSAGES_PER_MINUTE } from '../../../shared/limits';

const pingCount = `--ping-count must be from 1 to ${DEFAULT_MAX_MESSAGES_PER_MINUTE - 20}: with the 20 warm-ups`;

// Each of these is refused before the bench removes the synth cache or starts anything.
describe('npm run bench -- --local: its flags', () => {
  it.each([
    [['--ping-count', '0'], pingCount],
    [['--ping-count', '2.5'], pingCount],
    [['--ping-count', '600'], pingCount],
    [['--push-count', '0'], '--push-count must be a whole number from 1, got 0'],
    [['--steady-connections', '2'], '--steady-connections must be a whole number from 3 (the JIT-warm figure is the median of the last three), got 2'],
    [['--steady-connections', 'many'], '--steady-connections must be a number from 0, got "many"'],
    [['--pings', '5'], 'unknown flag --pings; flags of --local: --ping-count N --push-count N --steady-connections N'],
  ])('%j is refused: %s', async (argv, message) => {
    await expect(runLocalBench(['--local', ...argv])).rejects.toThrow(message);
  });
});
