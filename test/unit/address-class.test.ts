// Pure data: every address below is a string classified by a function. No socket is opened.
import { classifyAddress, type AddressClass } from '../../src/net/address-class';

function hostnameOf(url: string): string {
  return new URL(url).hostname;
}

describe('classifyAddress', () => {
  const cases: [AddressClass, string[]][] = [
    ['loopback', ['127.0.0.1', '127.255.255.254', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']],
    [
      'private',
      [
        '10.0.0.1',
        '10.255.255.255',
        '172.16.0.1',
        '172.31.255.255',
        '192.168.1.1',
        'fc00::1',
        'fd12:3456::1',
        'fec0::1',
        '::ffff:10.0.0.1',
        '::ffff:a00:1',
        '::10.0.0.1',
        '64:ff9b::10.0.0.1',
        '64:ff9b::c0a8:101',
        '2002:a00:1::1',
        '2002:c0a8:0101::',
        '64:ff9b:1::1',
      ],
    ],
    ['linkLocal', ['169.254.0.1', '169.254.1.1', 'fe80::1', 'fe80::1%eth0', 'febf::1', '::ffff:169.254.3.4']],
    [
      'metadata',
      [
        '169.254.169.254',
        '169.254.170.2',
        '169.254.170.23',
        '100.100.100.200',
        '192.0.0.192',
        '168.63.129.16',
        'fd00:ec2::254',
        'fd00:ec2:0:0:0:0:0:254',
        'fd00:ec2::23',
        '::ffff:169.254.169.254',
        '::ffff:a9fe:a9fe',
        '64:ff9b::169.254.169.254',
        '2002:a9fe:a9fe::1',
      ],
    ],
    ['multicast', ['224.0.0.1', '239.255.255.250', 'ff02::1', 'ff05::fb', '::ffff:224.0.0.251']],
    ['unspecified', ['0.0.0.0', '0.1.2.3', '::', '::ffff:0.0.0.0']],
    ['sharedAddressSpace', ['100.64.0.1', '100.127.255.254']],
    ['broadcast', ['255.255.255.255']],
    [
      'reserved',
      ['240.0.0.1', '198.18.0.1', '192.0.0.8', '192.88.99.1', '100::1', '2001::1', '2001:0:4136::1'],
    ],
    ['documentation', ['192.0.2.10', '198.51.100.7', '203.0.113.200', '2001:db8::1', '::ffff:192.0.2.1']],
    [
      'public',
      [
        '8.8.8.8',
        '1.1.1.1',
        '93.184.216.34',
        '172.32.0.1',
        '172.15.255.255',
        '100.63.255.255',
        '100.128.0.0',
        '169.253.255.255',
        '11.0.0.1',
        '2606:4700:4700::1111',
        '2a00:1450::1',
        '::ffff:8.8.8.8',
        '64:ff9b::8.8.8.8',
        '2002:808:808::1',
      ],
    ],
  ];

  it.each(cases.flatMap(([expected, addresses]) => addresses.map((address) => [address, expected])))(
    '%s is %s',
    (address, expected) => {
      expect(classifyAddress(address)).toBe(expected);
    },
  );

  it.each([
    ['http://2130706433/', '127.0.0.1', 'loopback'],
    ['http://0x7f000001/', '127.0.0.1', 'loopback'],
    ['http://0177.0.0.1/', '127.0.0.1', 'loopback'],
    ['http://127.1/', '127.0.0.1', 'loopback'],
    ['http://0x7f.1/', '127.0.0.1', 'loopback'],
    ['http://0/', '0.0.0.0', 'unspecified'],
    ['http://167772161/', '10.0.0.1', 'private'],
    ['http://0xa9fea9fe/', '169.254.169.254', 'metadata'],
    ['http://0251.0376.0251.0376/', '169.254.169.254', 'metadata'],
    ['http://192.168.257/', '192.168.1.1', 'private'],
    ['http://[::ffff:7f00:1]/', '[::ffff:7f00:1]', 'loopback'],
    ['http://[0:0:0:0:0:ffff:127.0.0.1]/', '[::ffff:7f00:1]', 'loopback'],
    ['http://[fd00:ec2::254]/', '[fd00:ec2::254]', 'metadata'],
  ])('the URL parser turns %s into %s, which is %s', (url, hostname, expected) => {
    expect(hostnameOf(url)).toBe(hostname);
    expect(classifyAddress(hostnameOf(url))).toBe(expected);
  });

  it.each(['localhost', 'example.com', '127.1', '2130706433', '', 'fe80::zz', '1.2.3.4.5'])(
    '%j is not an IP address',
    (value) => {
      expect(classifyAddress(value)).toBeUndefined();
    },
  );
});
