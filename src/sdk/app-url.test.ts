import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  appCookieDomain,
  appHost,
  compileHostnamePattern,
  matchHostnamePattern,
  parseAppPort,
  parsePathApp,
  parseSubdomainApp,
  pathAppBase,
} from './app-url.js';

test('subdomain app names parse and format both ways, with an optional prefix', () => {
  const app = parseSubdomainApp('code-server--main--dev--alice');
  assert.deepEqual(app, {
    prefix: '',
    appSlugOrPort: 'code-server',
    agentName: 'main',
    workspaceName: 'dev',
    username: 'alice',
  });
  assert.equal(parseSubdomainApp('x---8080s--main--dev--alice')?.prefix, 'x---');
  for (const bad of ['code--main--dev', 'a--b--c--d--e', '-a--b--c--d', 'a--b--c--d-', 'a_b--c--d--e'])
    assert.equal(parseSubdomainApp(bad), undefined, bad);
  const p = compileHostnamePattern('*.apps.example.com');
  assert.equal(appHost(p, app!), 'code-server--main--dev--alice.apps.example.com');
});

test('ports: 8080 over http, 8443s over https, slugs are not ports', () => {
  assert.deepEqual(parseAppPort('8080'), { port: 8080, https: false });
  assert.deepEqual(parseAppPort('8443s'), { port: 8443, https: true });
  assert.equal(parseAppPort('code'), undefined);
  assert.equal(parseAppPort('70000'), undefined);
});

test('wildcard patterns: dotted and suffix forms, ports ignored when matching, bad ones refused', () => {
  const dotted = compileHostnamePattern('http://*.apps.example.com');
  assert.equal(matchHostnamePattern(dotted, 'a--b--c--d.APPS.example.com:8443'), 'a--b--c--d');
  assert.equal(matchHostnamePattern(dotted, 'x.y.apps.example.com'), undefined);
  assert.equal(matchHostnamePattern(dotted, 'apps.example.com'), undefined);
  assert.equal(appCookieDomain(dotted), 'apps.example.com');
  const suffix = compileHostnamePattern('*-apps.example.com');
  assert.equal(matchHostnamePattern(suffix, 'a--b--c--d-apps.example.com'), 'a--b--c--d');
  assert.equal(appCookieDomain(suffix), 'example.com');
  const local = compileHostnamePattern('*.localhost:3000');
  assert.equal(local.port, '3000');
  assert.equal(appCookieDomain(local), undefined, 'a single label cannot be a cookie domain');
  for (const bad of ['apps.example.com', '*', '*.', '**.x.com', '*.x..com', 'x.*.com'])
    assert.throws(() => compileHostnamePattern(bad), /must/, bad);
});

test('path apps: @ or %40, workspace.agent, the rest kept raw', () => {
  assert.deepEqual(parsePathApp('/@alice/dev.main/apps/code/a%20b/'), {
    basePath: '/@alice/dev.main/apps/code',
    username: 'alice',
    workspaceName: 'dev',
    agentName: 'main',
    appSlugOrPort: 'code',
    rest: '/a%20b/',
  });
  assert.equal(parsePathApp('/%40alice/dev/apps/code')?.rest, '');
  assert.equal(parsePathApp('/alice/dev/apps/code'), undefined);
  assert.equal(parsePathApp('/@alice/dev/app/code'), undefined);
  assert.equal(pathAppBase('alice', 'dev', 'main', 'code'), '/@alice/dev.main/apps/code');
});
