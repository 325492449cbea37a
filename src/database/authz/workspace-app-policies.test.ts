import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppAccess, WorkspaceAppTarget } from '../queries/workspace-apps.js';
import type { Actor } from './rbac.js';
import { mayConnectToApp } from './workspace-app-policies.js';

const owner: Actor = { kind: 'user', id: 'u-owner', username: 'o', roles: [], orgIds: ['org'], scope: 'all' };
const other: Actor = { kind: 'user', id: 'u-other', username: 'x', roles: [], orgIds: ['org'], scope: 'all' };
const siteOwner: Actor = { ...other, id: 'u-admin', roles: ['owner'] };
const appOnly: Actor = { ...other, scope: 'application_connect' };
const anonymous: Actor = { kind: 'anonymous' };

const target = (
  level: WorkspaceAppTarget['sharing_level'],
  transition: WorkspaceAppTarget['transition'] = 'start',
) =>
  ({
    workspace_id: 'w',
    workspace_name: 'dev',
    owner_id: 'u-owner',
    owner_username: 'o',
    organization_id: 'org',
    transition,
    sharing_level: level,
  }) as WorkspaceAppTarget;

const subdomain: AppAccess = {
  method: 'subdomain',
  allowPathAppSharing: false,
  allowPathAppSiteOwnerAccess: false,
};
const pathApp: AppAccess = { ...subdomain, method: 'path' };

test('subdomain apps: owner, authenticated and public levels', () => {
  const table: [Actor, WorkspaceAppTarget['sharing_level'], boolean][] = [
    [owner, 'owner', true],
    [other, 'owner', false],
    [siteOwner, 'owner', true],
    [anonymous, 'owner', false],
    [other, 'authenticated', true],
    [appOnly, 'authenticated', true],
    [anonymous, 'authenticated', false],
    [anonymous, 'public', true],
  ];
  for (const [actor, level, want] of table)
    assert.equal(mayConnectToApp(actor, target(level), subdomain), want, `${JSON.stringify(actor)} ${level}`);
  assert.equal(mayConnectToApp(other, target('public', 'stop'), subdomain), false, 'stopped: owner-level');
});

test('path apps: sharing and site-owner access only with the dangerous flags', () => {
  assert.equal(mayConnectToApp(other, target('public'), pathApp), false);
  assert.equal(mayConnectToApp(anonymous, target('public'), pathApp), false);
  assert.equal(mayConnectToApp(siteOwner, target('owner'), pathApp), false);
  assert.equal(mayConnectToApp(owner, target('owner'), pathApp), true);
  const sharing = { ...pathApp, allowPathAppSharing: true };
  assert.equal(mayConnectToApp(anonymous, target('public'), sharing), true);
  assert.equal(mayConnectToApp(other, target('authenticated'), sharing), true);
  const siteOwners = { ...pathApp, allowPathAppSiteOwnerAccess: true };
  assert.equal(mayConnectToApp(siteOwner, target('owner'), siteOwners), true);
  assert.equal(mayConnectToApp(other, target('owner'), siteOwners), false);
});
