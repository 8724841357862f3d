import { cidrContains, parseCidr, parseIpAddress } from '../../../../local/eventbridge/cidr';
import { matchesWildcard, parseWildcard, Wildcard } from '../../../../local/eventbridge/wildcard';

describe('IP addresses and CIDR blocks', () => {
  it.each(['0.0.0.0', '255.255.255.255', '::', '::1', '2001:db8::', 'fe80::1:2:3:4', '::ffff:10.0.0.1', '1:2:3:4:5:6:7:8'])(
    'parses %s', (ip) => expect(parseIpAddress(ip)).toBeDefined(),
  );
  it.each(['256.0.0.1', '1.2.3', '01.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'abc', '', '1:2:3:4:5:6:7::8'])(
    'rejects %s', (ip) => expect(parseIpAddress(ip)).toBeUndefined(),
  );
  // aws/event-ruler CIDR.cidr: the block runs from the address as given (host bits kept) to its last address.
  it('runs from the given address to the end of the block, and compares by family', () => {
    const block = parseCidr('10.1.2.3/8');
    if (typeof block === 'string') throw new Error(block);
    expect(cidrContains(block, '10.255.0.1')).toBe(true);
    expect(cidrContains(block, '10.1.2.3')).toBe(true);
    expect(cidrContains(block, '10.1.2.2')).toBe(false);
    expect(cidrContains(block, '11.0.0.1')).toBe(false);
    expect(cidrContains(block, '::a01:203')).toBe(false);
  });
  it('/0 contains every address of its family', () => {
    const v4 = parseCidr('0.0.0.0/0');
    const v6 = parseCidr('::/0');
    if (typeof v4 === 'string' || typeof v6 === 'string') throw new Error('unparsed');
    expect(cidrContains(v4, '203.0.113.9')).toBe(true);
    expect(cidrContains(v6, '2001:db8::9')).toBe(true);
  });
});

describe('wildcards', () => {
  const w = (text: string) => parseWildcard(text) as Wildcard;
  it('splits on unescaped stars', () => {
    expect(w('a*b\\*c*')).toEqual({ segments: ['a', 'b*c', ''] });
    expect(w('\\\\*')).toEqual({ segments: ['\\', ''] });
  });
  it('matches in linear time on adversarial input', () => {
    const pattern = w(`${'a*'.repeat(50)}b`);
    const started = Date.now();
    expect(matchesWildcard(pattern, 'a'.repeat(100_000))).toBe(false);
    expect(Date.now() - started).toBeLessThan(500);
  });
  it('allows a star after an escaped star but not two stars', () => {
    expect(typeof parseWildcard('\\**')).toBe('object');
    // aws/event-ruler WildcardParser's words; the position counts the opening quote of the JSON string
    // (recorded against AWS: LocalStack content_wildcard_repeating_star_EXC)
    expect(parseWildcard('a**')).toBe('Consecutive wildcard characters at pos 2');
  });
});
