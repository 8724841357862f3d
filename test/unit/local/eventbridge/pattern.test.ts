import { matchesPattern } from '../../../../local/eventbridge/pattern';

/** The sample event of the AWS docs (and event-ruler's README). */
const ec2Event = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const withDetail = (detail: Record<string, unknown>) => ({ ...ec2Event, detail });
const m = (pattern: unknown, event: unknown = ec2Event) => matchesPattern(pattern, event);

describe('exact values', () => {
  it('matches a string in the leaf array and ignores fields not in the pattern', () => {
    expect(m({ source: ['aws.ec2'] })).toBe(true);
    expect(m({ source: ['aws.ec2', 'aws.fargate'] })).toBe(true);
    expect(m({ source: ['aws.fargate'] })).toBe(false);
  });

  it('is case-sensitive and character-exact', () => {
    expect(m({ source: ['AWS.EC2'] })).toBe(false);
    expect(m({ source: ['aws.ec2 '] })).toBe(false);
  });

  it('requires every field (AND) with the same nesting', () => {
    expect(m({ source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['running'] } })).toBe(true);
    expect(m({ source: ['aws.ec2'], detail: { state: ['terminated'] } })).toBe(false);
    expect(m({ state: ['running'] })).toBe(false);
    expect(m({ detail: { missing: ['x'] } })).toBe(false);
  });

  it('compares numbers by value: 5 matches 5.0, 301.8 matches 3.018e2', () => {
    expect(m({ detail: { 'c-count': [5.0] } })).toBe(true);
    expect(m({ detail: { 'x-limit': [3.018e2] } })).toBe(true);
    expect(m({ detail: { 'c-count': [6] } })).toBe(false);
  });

  it('does not confuse numbers and strings', () => {
    expect(m({ detail: { 'c-count': ['5'] } })).toBe(false);
    expect(m({ detail: { v: [5] } }, withDetail({ v: '5' }))).toBe(false);
  });

  it('matches booleans', () => {
    expect(m({ detail: { ok: [true] } }, withDetail({ ok: true }))).toBe(true);
    expect(m({ detail: { ok: [true] } }, withDetail({ ok: false }))).toBe(false);
    expect(m({ detail: { ok: ['true'] } }, withDetail({ ok: true }))).toBe(false);
  });
});

describe('null values and empty strings (docs: "Matching null values and empty strings")', () => {
  const event = withDetail({ eventVersion: '', responseElements: null });
  it('matches an empty string with [""]', () => {
    expect(m({ detail: { eventVersion: [''] } }, event)).toBe(true);
  });
  it('matches null with [null]', () => {
    expect(m({ detail: { responseElements: [null] } }, event)).toBe(true);
  });
  it('does not treat null and "" as interchangeable', () => {
    expect(m({ detail: { responseElements: [''] } }, event)).toBe(false);
    expect(m({ detail: { eventVersion: [null] } }, event)).toBe(false);
  });
  it('[null] does not match a missing field', () => {
    expect(m({ detail: { nothing: [null] } }, event)).toBe(false);
  });
});

describe('arrays (docs: "Arrays in event patterns")', () => {
  it('matches when the pattern array and the event array intersect', () => {
    const pattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    const event = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };
    expect(m(pattern, event)).toBe(true);
    expect(m(pattern, { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] })).toBe(false);
  });

  it('does not match an empty event array, except with exists:false', () => {
    expect(m({ resources: ['a'] }, { resources: [] })).toBe(false);
    expect(m({ resources: [{ exists: true }] }, { resources: [] })).toBe(false);
    expect(m({ resources: [{ exists: false }] }, { resources: [] })).toBe(true);
  });

  it('crushes nested arrays', () => {
    expect(m({ tags: ['b'] }, { tags: [['a'], [['b']]] })).toBe(true);
  });

  it('applies an object pattern to each element of an array of objects', () => {
    const event = {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    };
    expect(m({ employees: { firstName: ['Anna'] } }, event)).toBe(true);
    expect(m({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event)).toBe(true);
    // Array-consistent: fields from different elements never combine.
    expect(m({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event)).toBe(false);
  });

  it('handles arrays of arrays of objects', () => {
    const event = { employees: [[{ firstName: 'John' }, { firstName: 'Anna' }], [{ firstName: 'Peter' }]] };
    expect(m({ employees: { firstName: ['Peter'] } }, event)).toBe(true);
    expect(m({ employees: { firstName: ['Paul'] } }, event)).toBe(false);
  });

  it('applies operators to each element of an event array', () => {
    expect(m({ v: [{ numeric: ['>', 10] }] }, { v: [1, 2, 30] })).toBe(true);
    expect(m({ v: [{ numeric: ['>', 10] }] }, { v: [1, 2, 3] })).toBe(false);
    expect(m({ v: [{ prefix: 'ab' }] }, { v: ['x', 'abc'] })).toBe(true);
  });
});

describe('prefix', () => {
  it('matches the docs example on time', () => {
    expect(m({ time: [{ prefix: '2017-10-02' }] })).toBe(true);
    expect(m({ time: [{ prefix: '2017-10-03' }] })).toBe(false);
  });
  it('only works on strings', () => {
    expect(m({ detail: { 'c-count': [{ prefix: '5' }] } })).toBe(false);
  });
  it('with equals-ignore-case', () => {
    const p = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };
    expect(m(p, withDetail({ service: 'eventbridge' }))).toBe(true);
    expect(m(p, withDetail({ service: 'EVENTBRIDGE' }))).toBe(true);
    expect(m(p, withDetail({ service: 'EventA' }))).toBe(false);
  });
  it('an empty prefix matches every string', () => {
    expect(m({ source: [{ prefix: '' }] })).toBe(true);
  });
});

describe('suffix', () => {
  it('matches file extensions (docs example)', () => {
    expect(m({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' })).toBe(true);
    expect(m({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.PNG' })).toBe(false);
    expect(m({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.jpg' })).toBe(false);
  });
  it('with equals-ignore-case', () => {
    const p = { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } };
    expect(m(p, withDetail({ FileName: 'a.PNG' }))).toBe(true);
    expect(m(p, withDetail({ FileName: 'a.Png' }))).toBe(true);
    expect(m(p, withDetail({ FileName: 'a.gif' }))).toBe(false);
  });
});

describe('equals-ignore-case', () => {
  it('matches regardless of case, strings only', () => {
    expect(m({ 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] })).toBe(true);
    expect(m({ source: [{ 'equals-ignore-case': 'AWS.EC2' }] })).toBe(true);
    expect(m({ source: [{ 'equals-ignore-case': 'AWS.EC' }] })).toBe(false);
    expect(m({ v: [{ 'equals-ignore-case': 'true' }] }, { v: true })).toBe(false);
  });
});

describe('anything-but', () => {
  it('a string (docs example)', () => {
    const p = { detail: { state: [{ 'anything-but': 'initializing' }] } };
    expect(m(p)).toBe(true);
    expect(m(p, withDetail({ state: 'initializing' }))).toBe(false);
  });
  it('a number', () => {
    const p = { detail: { 'x-limit': [{ 'anything-but': 123 }] } };
    expect(m(p)).toBe(true);
    expect(m(p, withDetail({ 'x-limit': 123 }))).toBe(false);
    expect(m(p, withDetail({ 'x-limit': 123.0 }))).toBe(false);
  });
  it('a list of strings', () => {
    const p = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    expect(m(p)).toBe(true);
    expect(m(p, withDetail({ state: 'stopped' }))).toBe(false);
    expect(m(p, withDetail({ state: 'overloaded' }))).toBe(false);
  });
  it('a list of numbers', () => {
    const p = { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } };
    expect(m(p)).toBe(true);
    expect(m(p, withDetail({ 'x-limit': 200 }))).toBe(false);
  });
  it('a prefix', () => {
    const p = { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } };
    expect(m(p)).toBe(true);
    expect(m(p, withDetail({ state: 'initializing' }))).toBe(false);
  });
  it('a suffix', () => {
    const p = { FileName: [{ 'anything-but': { suffix: '.png' } }] };
    expect(m(p, { FileName: 'a.jpg' })).toBe(true);
    expect(m(p, { FileName: 'a.png' })).toBe(false);
  });
  it('equals-ignore-case, single and list', () => {
    const p = { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] };
    expect(m(p, { state: 'INITIALIZING' })).toBe(false);
    expect(m(p, { state: 'running' })).toBe(true);
    const l = { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OVERLOADED'] } }] };
    expect(m(l, { state: 'stopped' })).toBe(false);
    expect(m(l, { state: 'overloaded' })).toBe(false);
    expect(m(l, { state: 'running' })).toBe(true);
  });
  it('a wildcard (docs: FilePath not including /lib/)', () => {
    const p = { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] };
    expect(m(p, { FilePath: '/usr/lib/x.so' })).toBe(false);
    expect(m(p, { FilePath: '/usr/bin/x' })).toBe(true);
    const l = { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*.tmp'] } }] };
    expect(m(l, { FilePath: 'a.tmp' })).toBe(false);
    expect(m(l, { FilePath: 'a.txt' })).toBe(true);
  });
  // LocalStack content_anything_{prefix,suffix}_list*, recorded against AWS
  it('a list of prefixes or suffixes excludes a value that has any of them', () => {
    const p = { state: [{ 'anything-but': { prefix: ['init', 'post'] } }] };
    expect(m(p, { state: 'post-init' })).toBe(false);
    expect(m(p, { state: 'running' })).toBe(true);
    const s = { FileName: [{ 'anything-but': { suffix: ['.txt', '.jpg'] } }] };
    expect(m(s, { FileName: 'file.jpg' })).toBe(false);
    expect(m(s, { FileName: 'file.txt.bak' })).toBe(true);
  });
  it('never matches a missing field', () => {
    expect(m({ detail: { nothing: [{ 'anything-but': 'x' }] } })).toBe(false);
  });
  it('matches values of another type (documented choice)', () => {
    expect(m({ v: [{ 'anything-but': 'x' }] }, { v: 5 })).toBe(true);
    expect(m({ v: [{ 'anything-but': 'x' }] }, { v: null })).toBe(true);
    expect(m({ v: [{ 'anything-but': { prefix: 'x' } }] }, { v: 5 })).toBe(true);
  });
  it('on an array, matches if any element is not excluded', () => {
    expect(m({ v: [{ 'anything-but': 'a' }] }, { v: ['a', 'b'] })).toBe(true);
    expect(m({ v: [{ 'anything-but': 'a' }] }, { v: ['a', 'a'] })).toBe(false);
  });
});

describe('numeric', () => {
  const p = {
    detail: {
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ numeric: ['=', 3.018e2] }],
    },
  };
  it('matches the docs example when every field is in range', () => {
    expect(m(p)).toBe(true);
  });
  it('honours open and closed bounds', () => {
    expect(m(p, withDetail({ ...ec2Event.detail, 'c-count': 0 }))).toBe(false);
    expect(m(p, withDetail({ ...ec2Event.detail, 'c-count': 5 }))).toBe(true);
    expect(m(p, withDetail({ ...ec2Event.detail, 'c-count': 5.000001 }))).toBe(false);
    expect(m(p, withDetail({ ...ec2Event.detail, 'd-count': 10 }))).toBe(false);
    expect(m({ v: [{ numeric: ['>=', 10] }] }, { v: 10 })).toBe(true);
    expect(m({ v: [{ numeric: ['<=', 10] }] }, { v: 10 })).toBe(true);
    expect(m({ v: [{ numeric: ['>=', 0, '<', 1] }] }, { v: 0.5 })).toBe(true);
    expect(m({ v: [{ numeric: ['>=', 0, '<', 1] }] }, { v: 1 })).toBe(false);
  });
  it('only works on numbers', () => {
    expect(m({ v: [{ numeric: ['>', 0] }] }, { v: '5' })).toBe(false);
    expect(m({ v: [{ numeric: ['>', 0] }] }, { v: true })).toBe(false);
  });
  it('handles negative and fractional bounds', () => {
    expect(m({ v: [{ numeric: ['>', -1.5, '<', -0.5] }] }, { v: -1 })).toBe(true);
  });
});

describe('cidr', () => {
  const p = { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } };
  it('matches IPv4 addresses inside the block', () => {
    expect(m(p)).toBe(true);
    expect(m(p, withDetail({ 'source-ip': '10.0.0.255' }))).toBe(true);
    expect(m(p, withDetail({ 'source-ip': '10.0.1.1' }))).toBe(false);
    expect(m(p, withDetail({ 'source-ip': 'not-an-ip' }))).toBe(false);
    expect(m(p, withDetail({ 'source-ip': 167772161 }))).toBe(false);
  });
  it('matches IPv6 addresses', () => {
    const v6 = { ip: [{ cidr: '2001:db8::/32' }] };
    expect(m(v6, { ip: '2001:db8:0:1::42' })).toBe(true);
    expect(m(v6, { ip: '2001:0db8:ffff:ffff:ffff:ffff:ffff:ffff' })).toBe(true);
    expect(m(v6, { ip: '2001:db9::1' })).toBe(false);
    expect(m(v6, { ip: '10.0.0.1' })).toBe(false);
  });
  // AWS refuses a cidr without a mask (recorded against AWS: LocalStack content_ip_address_EXC; aws/event-ruler
  // CIDR.cidr), and matches a literal address as that one address (JsonRuleCompiler, CIDR.ipToRangeIfPossible).
  it('refuses a bare address as a cidr; a literal address matches that one address', () => {
    expect(() => m({ ip: [{ cidr: '192.168.1.1' }] }, { ip: '192.168.1.1' })).toThrow("Malformed CIDR, one '/' required");
    expect(m({ ip: ['192.168.1.1'] }, { ip: '192.168.1.1' })).toBe(true);
    expect(m({ ip: ['192.168.1.1'] }, { ip: '192.168.1.2' })).toBe(false);
  });
});

describe('exists', () => {
  it('exists:true matches a present leaf, of any value', () => {
    expect(m({ detail: { 'c-count': [{ exists: true }] } })).toBe(true);
    expect(m({ detail: { v: [{ exists: true }] } }, withDetail({ v: null }))).toBe(true);
    expect(m({ detail: { v: [{ exists: true }] } }, withDetail({ v: '' }))).toBe(true);
    expect(m({ detail: { v: [{ exists: true }] } }, withDetail({}))).toBe(false);
  });
  it('exists:false matches a missing field (docs example)', () => {
    const p = { detail: { 'c-count': [{ exists: false }] } };
    expect(m(p, { 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['initializing', 'running'] } })).toBe(true);
    expect(m(p)).toBe(false);
  });
  it('exists works on leaf nodes only: an object is not a leaf (docs example)', () => {
    const event = { detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } };
    expect(m({ detail: { 'c-count': [{ exists: false }] } }, event)).toBe(true);
    expect(m({ detail: { 'c-count': [{ exists: true }] } }, event)).toBe(false);
  });
  it('exists:false matches when the parent object is missing', () => {
    expect(m({ detail: { 'c-count': [{ exists: false }] } }, { source: 'x' })).toBe(true);
  });
  it('can be combined with values in the same leaf (OR)', () => {
    const p = { detail: { v: [{ exists: false }, 'a'] } };
    expect(m(p, withDetail({}))).toBe(true);
    expect(m(p, withDetail({ v: 'a' }))).toBe(true);
    expect(m(p, withDetail({ v: 'b' }))).toBe(false);
  });
});

describe('wildcard', () => {
  it('matches * anywhere (docs examples)', () => {
    expect(m({ EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] }, { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/my-bus' })).toBe(true);
    expect(m({ EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] }, { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/my-bus' })).toBe(false);
    expect(m({ FilePath: [{ wildcard: 'dir/*.png' }] }, { FilePath: 'dir/a.png' })).toBe(true);
    expect(m({ FilePath: [{ wildcard: 'dir/*.png' }] }, { FilePath: 'dir/sub/a.png' })).toBe(true);
    expect(m({ FilePath: [{ wildcard: 'dir/*.png' }] }, { FilePath: 'dir/a.jpg' })).toBe(false);
  });
  it('* matches the empty string; without * it is an exact match', () => {
    expect(m({ v: [{ wildcard: 'a*b' }] }, { v: 'ab' })).toBe(true);
    expect(m({ v: [{ wildcard: 'abc' }] }, { v: 'abc' })).toBe(true);
    expect(m({ v: [{ wildcard: 'abc' }] }, { v: 'abcd' })).toBe(false);
    expect(m({ v: [{ wildcard: '*' }] }, { v: '' })).toBe(true);
  });
  it('does not let segments overlap', () => {
    expect(m({ v: [{ wildcard: 'ab*ba' }] }, { v: 'aba' })).toBe(false);
    expect(m({ v: [{ wildcard: 'a*b*a' }] }, { v: 'aba' })).toBe(true);
  });
  it('escapes: \\* is a literal star, \\\\ a literal backslash', () => {
    expect(m({ v: [{ wildcard: 'a\\*b' }] }, { v: 'a*b' })).toBe(true);
    expect(m({ v: [{ wildcard: 'a\\*b' }] }, { v: 'axb' })).toBe(false);
    expect(m({ v: [{ wildcard: 'a\\\\*' }] }, { v: 'a\\xyz' })).toBe(true);
  });
  it('only matches strings', () => {
    expect(m({ v: [{ wildcard: '*' }] }, { v: 5 })).toBe(false);
  });
});

describe('$or', () => {
  it('matches when any alternative matches (docs: metricName or namespace)', () => {
    const p = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    };
    expect(m(p, { source: 'aws.cloudwatch', metricName: 'ReadLatency' })).toBe(true);
    expect(m(p, { source: 'aws.cloudwatch', namespace: 'AWS/ES' })).toBe(true);
    expect(m(p, { source: 'aws.cloudwatch', namespace: 'AWS/S3' })).toBe(false);
    expect(m(p, { source: 'aws.s3', metricName: 'ReadLatency' })).toBe(false);
  });
  it('works at nested levels, in parallel', () => {
    const p = {
      $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    };
    expect(m(p, { namespace: 'AWS/EC2', detail: { 'detail-type': 'CloudWatch Alarm State Change' } })).toBe(true);
    expect(m(p, { namespace: 'AWS/EC2', detail: { source: 'other' } })).toBe(false);
  });
  it('nests $or inside $or, with AND inside an alternative', () => {
    const p = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
        { scope: ['Service'] },
      ],
    };
    expect(m(p, { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 })).toBe(true);
    expect(m(p, { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1001 })).toBe(false);
    expect(m(p, { source: 'aws.cloudwatch', metricType: 'MetricType', spaceId: 1000 })).toBe(false);
    expect(m(p, { source: 'aws.cloudwatch', scope: 'Service' })).toBe(true);
  });
  it('with exists:false in an alternative', () => {
    const p = { detail: { $or: [{ a: [{ exists: false }] }, { a: ['x'] }] } };
    expect(m(p, { detail: {} })).toBe(true);
    expect(m(p, { detail: { a: 'x' } })).toBe(true);
    expect(m(p, { detail: { a: 'y' } })).toBe(false);
  });
  it('is an ordinary field name when its value is an object (backward compatibility)', () => {
    const p = { source: ['aws.cloudwatch'], $or: { metricType: ['MetricType'] } };
    expect(m(p, { source: 'aws.cloudwatch', $or: { metricType: 'MetricType' } })).toBe(true);
    expect(m(p, { source: 'aws.cloudwatch', metricType: 'MetricType' })).toBe(false);
  });
});

describe('complex docs example', () => {
  it('combines prefix, anything-but, numeric and cidr', () => {
    const p = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
        'source-ip': [{ cidr: '10.0.0.0/8' }],
      },
    };
    expect(m(p)).toBe(true);
    expect(m(p, withDetail({ ...ec2Event.detail, 'x-limit': 300 }))).toBe(false);
    expect(m(p, withDetail({ ...ec2Event.detail, state: 'initializing' }))).toBe(false);
  });
});

// aws/event-ruler README, "Compiled rules and JSON keys with dots"; LocalStack dot_joining_*, recorded against AWS
describe('keys with dots', () => {
  it('a dotted key in the event is the nested path, and merges with the nested form', () => {
    const p = { detail: { state: { status: ['running'], since: [5] } } };
    expect(m(p, withDetail({ 'state.status': 'running', state: { since: 5 } }))).toBe(true);
    expect(m(p, withDetail({ 'state.status': 'running', state: { since: 6 } }))).toBe(false);
    expect(m({ detail: { 'a.b': { c: ['x'] } } }, withDetail({ a: { 'b.c': 'x' } }))).toBe(true);
  });
  it('a path with two values in the event matches either, like an array', () => {
    const p = { detail: { a: { b: ['one'] } } };
    expect(m(p, withDetail({ 'a.b': 'one', a: { b: 'two' } }))).toBe(true);
    expect(m({ detail: { a: { b: ['two'] } } }, withDetail({ 'a.b': 'one', a: { b: 'two' } }))).toBe(true);
    expect(m({ detail: { a: { b: ['three'] } } }, withDetail({ 'a.b': 'one', a: { b: 'two' } }))).toBe(false);
  });
  it('a dotted key in the pattern is the nested path; one path given twice keeps the last', () => {
    expect(m({ detail: { 'state.status': ['running'] } }, withDetail({ state: { status: 'running' } }))).toBe(true);
    expect(m({ detail: { 'state.status': ['stopped'], state: { status: ['running'] } } }, withDetail({ state: { status: 'running' } }))).toBe(true);
    expect(m({ detail: { state: { status: ['running'] }, 'state.status': ['stopped'] } }, withDetail({ state: { status: 'running' } }))).toBe(false);
  });
  it('a leaf and a deeper path under the same key are both required', () => {
    const p = { detail: { a: [{ exists: true }], 'a.b': ['x'] } };
    expect(m(p, withDetail({ a: 1, 'a.b': 'x' }))).toBe(true);
    expect(m(p, withDetail({ 'a.b': 'x' }))).toBe(false);
  });
  it('an event key __proto__ stays an ordinary field', () => {
    const event = JSON.parse('{"detail": {"__proto__": {"x": 1}, "a.b": 2}}');
    expect(m(JSON.parse('{"detail": {"__proto__": {"x": [1]}, "a": {"b": [2]}}}'), event)).toBe(true);
    expect(m(JSON.parse('{"detail": {"__proto__": {"x": [2]}}}'), event)).toBe(false);
    expect(m({ detail: { x: [1] } }, event)).toBe(false);
  });
});

describe('literal IP addresses (aws/event-ruler JsonRuleCompiler: CIDR.ipToRangeIfPossible)', () => {
  it('match the same address however the event writes it', () => {
    expect(m({ ip: ['2001:db8::1'] }, { ip: '2001:0db8:0000:0000:0000:0000:0000:0001' })).toBe(true);
    expect(m({ ip: ['2001:db8::1'] }, { ip: '2001:db8::2' })).toBe(false);
    expect(m({ ip: ['10.0.0.1'] }, { ip: '10.0.0.1' })).toBe(true);
  });
});

describe('events that are not objects', () => {
  it('never throws and matches only exists:false-only patterns', () => {
    for (const event of [null, 5, 'x', [], [1, 2], true]) {
      expect(m({ source: ['x'] }, event)).toBe(false);
      expect(m({ source: [{ exists: false }] }, event)).toBe(true);
    }
  });
});
