/** What the comparison runs: GRC conditions over a JSON context, CEL features, hostile inputs. */

const finding = (i: number) => ({
  id: `F-${i}`,
  severity: ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'][i % 4],
  status: i % 7 === 0 ? 'RESOLVED' : 'ACTIVE',
  score: 1.5 * (i % 5),
});

/** JSON-shaped, as it arrives from the bus: every number a JS number. */
export const context = {
  trigger: {
    severity: 'HIGH',
    resource_type: 'AWS::S3::Bucket',
    resource: {
      arn: 'arn:aws:s3:::finance-exports',
      tags: { environment: 'prod', owner: 'finance', 'data-class': 'confidential' },
    },
    account: { id: '123456789012', owner: { team: 'platform', email: 'platform@example.com' } },
    kri: { id: 'kri-open-critical', value: 17, threshold: 12.5 },
    findings: Array.from({ length: 20 }, (_, i) => finding(i)),
  },
  steps: { assess: { status: 'succeeded', output: { risk_level: 3, approvers: ['ciso', 'cfo'] } } },
  vars: { regions: ['eu-west-1', 'us-east-1'] },
};

export const conditions: Record<string, string> = {
  'severity in list && type ==':
    'trigger.severity in ["HIGH", "CRITICAL"] && trigger.resource_type == "AWS::S3::Bucket"',
  'step output >= int literal': 'steps.assess.output.risk_level >= 2',
  'nested map lookups':
    'trigger.resource.tags.environment == "prod" && trigger.account.owner.team == "platform" && trigger.resource.tags["data-class"] == "confidential"',
  'startsWith && size()':
    'trigger.resource.arn.startsWith("arn:aws:s3:::") && size(trigger.findings) > 0 && trigger.account.id.size() == 12',
  'exists && all (20 items)':
    'trigger.findings.exists(f, f.severity == "CRITICAL" && f.status == "ACTIVE") && trigger.findings.all(f, f.id.startsWith("F-"))',
  'filter + size (20 items)': 'size(trigger.findings.filter(f, f.score >= 3.0)) > 5',
  'double arithmetic': 'trigger.kri.value > trigger.kri.threshold * 1.2',
  'ternary to string': 'steps.assess.output.risk_level >= 3.0 ? "P1" : "P3"',
};

// ---------------------------------------------------------------------------------------------------------
// Features: each expression is true, or is an error

export interface Feature {
  feature: string;
  expr: string;
  expect: 'true' | 'error';
  extension?: boolean;
  bindings?: Record<string, unknown>;
  /** Fail the feature if evaluating takes longer. */
  maxMs?: number;
}

export const features: Feature[] = [
  {
    feature: 'int arithmetic, truncating /',
    expr: '7 / 2 == 3 && -7 / 2 == -3 && 7 % 3 == 1',
    expect: 'true',
  },
  { feature: 'int64 overflow is an error', expr: '9223372036854775807 + 1', expect: 'error' },
  { feature: 'int64 min literal', expr: '-9223372036854775808 < 0', expect: 'true' },
  { feature: 'double arithmetic', expr: '7.0 / 2.0 == 3.5 && 1e3 == 1000.0', expect: 'true' },
  { feature: 'uint arithmetic', expr: '3u + 4u == 7u && 10u / 3u == 3u', expect: 'true' },
  { feature: 'uint underflow is an error', expr: '0u - 1u', expect: 'error' },
  { feature: 'no implicit int + double', expr: '1 + 1.5', expect: 'error' },
  { feature: 'cross-type numeric ordering', expr: '1 < 1.5 && 2u > 1 && 2.0 >= 2', expect: 'true' },
  { feature: 'heterogeneous equality (dyn)', expr: 'dyn(1) == 1.0 && dyn(1u) == 1', expect: 'true' },
  { feature: 'int division by zero is an error', expr: '1 / 0', expect: 'error' },
  { feature: 'int modulus by zero is an error', expr: '1 % 0', expect: 'error' },
  { feature: 'double division by zero is +Inf', expr: '1.0 / 0.0 > 1e308', expect: 'true' },
  { feature: 'string concat, size in code points', expr: 'size("héllo" + "!") == 6', expect: 'true' },
  {
    feature: 'startsWith / endsWith / contains',
    expr: '"arn:aws:s3:::b".startsWith("arn:aws") && "x.pdf".endsWith(".pdf") && "abc".contains("b")',
    expect: 'true',
  },
  { feature: 'matches', expr: '"INC-1234".matches("^INC-[0-9]+$")', expect: 'true' },
  { feature: 'matches with RE2 syntax', expr: '"inc-1".matches("(?i)^INC-[0-9]+$")', expect: 'true' },
  {
    feature: 'matches is linear-time (RE2)',
    expr: '!("aaaaaaaaaaaaaaaaaaaaaaaa!".matches("^(a+)+$"))',
    expect: 'true',
    maxMs: 50,
  },
  {
    feature: 'raw, triple-quoted, escaped strings',
    expr: 'r"\\d" == "\\\\d" && """a"b""" == "a\\"b" && "\\u00e9" == "é"',
    expect: 'true',
  },
  { feature: 'bytes', expr: 'size(b"\\xff\\x00") == 2 && b"ab" + b"c" == b"abc"', expect: 'true' },
  { feature: 'ternary', expr: '(2 > 1 ? "yes" : "no") == "yes"', expect: 'true' },
  { feature: '|| absorbs an error (commutative)', expr: '(1 / 0 == 1) || true', expect: 'true' },
  { feature: '&& absorbs an error (commutative)', expr: '!((1 / 0 == 1) && false)', expect: 'true' },
  { feature: '`in` on a list', expr: '"HIGH" in ["HIGH", "CRITICAL"] && !(3 in [1, 2])', expect: 'true' },
  { feature: '`in` on map keys', expr: '"a" in {"a": 1} && !("b" in {"a": 1})', expect: 'true' },
  {
    feature: 'has() on a context map',
    expr: 'has(m.a) && !has(m.b)',
    expect: 'true',
    bindings: { m: { a: 1 } },
  },
  {
    feature: 'all / exists / exists_one',
    expr: '[1, 2, 3].all(x, x > 0) && [1, 2, 3].exists(x, x == 2) && [1, 2, 3].exists_one(x, x > 2)',
    expect: 'true',
  },
  { feature: 'filter / map', expr: '[1, 2, 3].filter(x, x > 1).map(x, x * 10) == [20, 30]', expect: 'true' },
  { feature: 'map with a filter (3 args)', expr: '[1, 2, 3].map(x, x > 1, x * 2) == [4, 6]', expect: 'true' },
  { feature: 'macros over map keys', expr: '{"a": 1, "bb": 2}.exists(k, k.size() == 2)', expect: 'true' },
  { feature: 'exists absorbs an error', expr: '[0, 1].exists(x, 1 / x == 1)', expect: 'true' },
  {
    feature: 'list concat, index, deep ==',
    expr: '([1] + [2, 3])[2] == 3 && [1, [2]] == [1, [2]]',
    expect: 'true',
  },
  {
    feature: 'map literal, index, deep ==',
    expr: '{"a": {"b": 1}}["a"].b == 1 && {"a": 1} == {"a": 1}',
    expect: 'true',
  },
  {
    feature: 'type()',
    expr: 'type(1) == int && type("a") == string && type([]) == list && type(1.5) == double',
    expect: 'true',
  },
  {
    feature: 'conversions',
    expr: 'int("42") == 42 && double("2.5") == 2.5 && string(42) == "42" && int(2.9) == 2 && uint(3) == 3u',
    expect: 'true',
  },
  { feature: 'a bad conversion is an error', expr: 'int("abc")', expect: 'error' },
  {
    feature: 'timestamps, with offsets',
    expr: 'timestamp("2024-06-01T12:00:00+02:00") == timestamp("2024-06-01T10:00:00Z")',
    expect: 'true',
  },
  {
    feature: 'durations',
    expr: 'duration("1h30m") == duration("90m") && duration("1.5s") < duration("2s")',
    expect: 'true',
  },
  {
    feature: 'timestamp +/- duration, ts - ts',
    expr: 'timestamp("2024-01-01T00:00:00Z") + duration("24h") == timestamp("2024-01-02T00:00:00Z") && timestamp("2024-01-02T00:00:00Z") - timestamp("2024-01-01T00:00:00Z") == duration("86400s")',
    expect: 'true',
  },
  {
    feature: 'timestamp accessors, time zones',
    expr: 'timestamp("2024-03-05T10:00:00Z").getMonth() == 2 && timestamp("2024-03-05T10:00:00Z").getHours("Europe/Kyiv") == 12',
    expect: 'true',
  },
  { feature: 'no such key is an error', expr: '{"a": 1}["b"]', expect: 'error' },
  { feature: 'list index out of range is an error', expr: '[1, 2][5]', expect: 'error' },
  { feature: 'no matching overload is an error', expr: '"a" + 1', expect: 'error' },
  { feature: 'null', expr: '{"n": null}.n == null && null == null', expect: 'true' },
  {
    feature: 'optional chaining .? / orValue',
    expr: '{"a": 1}.?b.orValue(5) == 5 && {"a": 1}.?a.hasValue()',
    expect: 'true',
    extension: true,
  },
  { feature: 'cel.bind', expr: 'cel.bind(x, 2, x * x) == 4', expect: 'true', extension: true },
  {
    feature: 'strings ext (lowerAscii, split)',
    expr: '"HeLLo".lowerAscii() == "hello" && "a,b".split(",") == ["a", "b"]',
    expect: 'true',
    extension: true,
  },
];

/** `true`, `error`, or what happened instead. */

// Hostile inputs: how long each takes, or how it is rejected

function doubling(seed: string, times: number): string {
  let body = `a${times}.size()`;
  for (let i = times; i > 0; i--) body = `cel.bind(a${i}, a${i - 1} + a${i - 1}, ${body})`;
  return `cel.bind(a0, ${seed}, ${body})`;
}

export const hostileInputs: { what: string; expr: string; bindings?: Record<string, unknown> }[] = [
  { what: 'deep nesting (2,000 parentheses)', expr: `${'('.repeat(2_000)}1${')'.repeat(2_000)}` },
  { what: 'list literal of 100,000 elements', expr: `[${'1,'.repeat(99_999)}1].size()` },
  { what: 'ReDoS: 24 chars against ^(a+)+$', expr: '"aaaaaaaaaaaaaaaaaaaaaaaa!".matches("^(a+)+$")' },
  {
    what: 'nested comprehensions, 2,000 items',
    expr: 'xs.exists(x, xs.exists(y, x + y == -1))',
    bindings: { xs: Array.from({ length: 2_000 }, (_, i) => i) },
  },
  {
    what: 'string doubled 10 times (64 KB seed)',
    expr: doubling('s', 10),
    bindings: { s: 'x'.repeat(65_536) },
  },
  {
    what: 'list doubled 11 times (1,000 items)',
    expr: doubling('xs', 11),
    bindings: { xs: Array.from({ length: 1_000 }, (_, i) => i) },
  },
];
