import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addressRefusal, bareHost, embeddedIpv4, hostNameRefusal } from '../../../src/delivery/webhook-address-policy';

const strict = { allowLoopback: false };
const dev = { allowLoopback: true };

describe('addressRefusal', () => {
  it('allows public unicast addresses', () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e']) assert.equal(addressRefusal(ip, strict), undefined, ip);
  });

  it('refuses private, loopback, link-local, CGNAT, metadata, multicast, reserved and documentation ranges', () => {
    for (const ip of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '100.100.100.200', '192.0.0.192', '168.63.129.16', '224.0.0.1', '255.255.255.255', '0.0.0.0', '192.0.2.1', '198.51.100.7', '203.0.113.9', '198.18.0.1']) {
      assert.equal(addressRefusal(ip, strict), 'not a public address', ip);
    }
    assert.equal(addressRefusal('172.32.0.1', strict), undefined, 'just outside 172.16/12');
  });

  it('refuses non-global IPv6 and the non-public parts of 2000::/3', () => {
    for (const ip of ['::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '2001:db8::1', '2001::1', '3fff::1', 'fe80::1%eth0']) {
      assert.equal(addressRefusal(ip, strict), 'not a public address', ip);
    }
  });

  it('judges IPv6 forms that carry an IPv4 address by that address', () => {
    assert.equal(addressRefusal('::ffff:127.0.0.1', strict), 'not a public address');
    assert.equal(addressRefusal('::ffff:7f00:1', strict), 'not a public address');
    assert.equal(addressRefusal('64:ff9b::a9fe:a9fe', strict), 'not a public address');
    assert.equal(addressRefusal('2002:c0a8:0101::1', strict), 'not a public address');
    assert.equal(addressRefusal('::ffff:8.8.8.8', strict), undefined);
  });

  it('lets the development switch reach loopback only', () => {
    assert.equal(addressRefusal('127.0.0.1', dev), undefined);
    assert.equal(addressRefusal('::1', dev), undefined);
    assert.equal(addressRefusal('::1', strict), 'not a public address');
    assert.equal(addressRefusal('10.0.0.1', dev), 'not a public address');
    assert.equal(addressRefusal('::ffff:127.0.0.1', dev), undefined);
  });

  it('refuses what is not an IP address', () => {
    assert.equal(addressRefusal('example.com', strict), 'not an IP address');
    assert.equal(addressRefusal('', strict), 'not an IP address');
  });
});

describe('embeddedIpv4', () => {
  it('extracts mapped, compatible, NAT64 and 6to4 addresses', () => {
    assert.equal(embeddedIpv4('::ffff:10.0.0.1'), '10.0.0.1');
    assert.equal(embeddedIpv4('::10.0.0.1'), '10.0.0.1');
    assert.equal(embeddedIpv4('64:ff9b::0a00:0001'), '10.0.0.1');
    assert.equal(embeddedIpv4('2002:0a00:0001::'), '10.0.0.1');
  });

  it('finds none in ordinary IPv6 addresses or ::1', () => {
    assert.equal(embeddedIpv4('2606:4700::1111'), undefined);
    assert.equal(embeddedIpv4('::1'), '0.0.0.1');
    assert.equal(embeddedIpv4('::'), undefined);
  });
});

describe('hostNameRefusal', () => {
  it('refuses metadata names, internal suffixes and single labels, case and trailing dot aside', () => {
    for (const h of ['metadata.google.internal', 'METADATA.GOOGLE.INTERNAL.', 'instance-data', 'db.svc', 'printer.local', 'x.home.arpa', 'intranet', 'kubernetes.default']) {
      assert.equal(hostNameRefusal(h, strict), 'not a public host', h);
    }
  });

  it('treats localhost by the development switch and allows public names', () => {
    assert.equal(hostNameRefusal('localhost', strict), 'not a public host');
    assert.equal(hostNameRefusal('app.localhost', dev), undefined);
    assert.equal(hostNameRefusal('hooks.example.com', strict), undefined);
  });
});

describe('bareHost', () => {
  it('strips IPv6 brackets and keeps names', () => {
    assert.equal(bareHost(new URL('https://[::1]:8443/x')), '::1');
    assert.equal(bareHost(new URL('https://Example.COM/x')), 'example.com');
    assert.equal(bareHost(new URL('https://0x7f.1/')), '127.0.0.1', 'the URL parser already normalised the notation');
  });
});
