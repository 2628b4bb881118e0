import { describe, expect, test } from 'vitest';
import { addressVerdict, createAddressPolicy } from './address-policy.ts';

const policy = (options: Partial<Parameters<typeof createAddressPolicy>[0]> = {}) =>
  createAddressPolicy({
    allowTargets: [],
    allowHttp: false,
    resolve: (host) =>
      Promise.resolve(
        host === 'rebind.test'
          ? [{ address: '127.0.0.1', family: 4 }]
          : host === 'mixed.test'
            ? [
                { address: '93.184.215.14', family: 4 },
                { address: '10.0.0.8', family: 4 },
              ]
            : [{ address: '93.184.215.14', family: 4 }],
      ),
    ...options,
  });

describe('addressVerdict', () => {
  test.each([
    '127.0.0.1',
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:93.184.215.14',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    'fd00:ec2::254',
    'fe80::1',
    '100.64.0.1',
    '224.0.0.1',
    'ff02::1',
    '0.0.0.0',
    '::',
    '255.255.255.255',
    '64:ff9b::7f00:1',
  ])('%s is refused', (address) => {
    expect(addressVerdict(address).ok).toBe(false);
  });

  test.each(['93.184.215.14', '2606:2800:220:1:248:1893:25c8:1946', '8.8.8.8'])('%s is public', (address) => {
    expect(addressVerdict(address)).toEqual({ ok: true });
  });
});

describe('checkUrl', () => {
  test.each([
    'https://127.0.0.1/x',
    'https://[::1]/x',
    'https://[::ffff:127.0.0.1]/x',
    'https://2130706433/x',
    'https://0x7f.1/x',
    'https://0177.0.0.1/x',
    'https://169.254.169.254/latest/meta-data/',
    'https://[fd00:ec2::254]/',
    'https://100.100.100.200/',
    'https://rebind.test/x',
    'https://mixed.test/x',
  ])('%s is refused with target_refused', async (url) => {
    await expect(policy().checkUrl(url, 'destinations.a.settings.url')).rejects.toMatchObject({
      code: 'target_refused',
      status: 422,
      path: 'destinations.a.settings.url',
    });
  });

  test('a public https URL passes', async () => {
    await expect(policy().checkUrl('https://hooks.example.com/in')).resolves.toMatchObject({
      allowListed: false,
    });
  });

  test('http needs the development flag; other schemes and URLs with credentials never pass', async () => {
    await expect(policy().checkUrl('http://hooks.example.com/in')).rejects.toThrow(/only https/);
    await expect(policy({ allowHttp: true }).checkUrl('http://hooks.example.com/in')).resolves.toBeDefined();
    await expect(policy({ allowHttp: true }).checkUrl('ftp://hooks.example.com/in')).rejects.toThrow(
      /not allowed/,
    );
    await expect(policy().checkUrl('https://user:pw@hooks.example.com/')).rejects.toThrow(/credentials/);
  });

  test('the allow-list lets exactly its host:port through, http included', async () => {
    const allowing = policy({ allowTargets: ['127.0.0.1:4000'] });
    await expect(allowing.checkUrl('http://127.0.0.1:4000/x')).resolves.toMatchObject({ allowListed: true });
    await expect(allowing.checkUrl('http://127.0.0.1:4001/x')).rejects.toThrow();
    await expect(allowing.checkUrl('https://127.0.0.1/x')).rejects.toThrow();
  });

  test('a mail host is checked the same way', async () => {
    await expect(policy().checkHost('127.0.0.1', 25)).rejects.toMatchObject({ code: 'target_refused' });
    await expect(policy().checkHost('rebind.test', 25)).rejects.toMatchObject({ code: 'target_refused' });
    await expect(policy().checkHost('smtp.example.com', 587)).resolves.toEqual({
      address: '93.184.215.14',
      allowListed: false,
    });
  });
});
