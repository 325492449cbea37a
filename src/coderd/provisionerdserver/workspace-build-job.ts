/**
 * The server side of `workspace_build` jobs (Coder's acquireProtoJob / completeWorkspaceBuild): the
 * payload a daemon gets (previous state, parameters, variables, the build's identity, a session
 * token for the owner, the template archive) and what a finished build leaves behind (new state,
 * resources, cost, deadline; a deleted workspace after a successful delete).
 */
import { InvalidInput, NotFound } from '../../sdk/errors.js';
import type { ProvisionMetadata } from '../../sdk/provisioner.js';
import type { Store } from '../../database/store.js';
import type { UserRow, WorkspaceBuildWithNamesRow, WorkspaceWithNamesRow } from '../../database/models.js';
import { generateApiKey } from '../apikey.js';
import { insertProvisionedResources } from '../provisioned-resources.js';
import { publishWorkspaceEvent } from '../workspace-events.js';
import type { JobHandlerDeps, JobTypeHandler } from './job-handlers.js';

/** Lifetime of the owner token a start build hands Terraform (Coder: the default token lifetime). */
const ownerTokenLifetimeMs = 7 * 24 * 3_600_000;

/** One token per workspace and owner, replaced on every start (Coder's workspaceSessionTokenName). */
const ownerTokenName = (w: { owner_id: string; id: string }) => `${w.owner_id}_${w.id}_session_token`;

async function replaceOwnerToken(store: Store, w: WorkspaceWithNamesRow, mint: boolean): Promise<string> {
  const old = await store.getTokenByName(w.owner_id, ownerTokenName(w));
  if (old) await store.deleteAPIKey(old.id);
  if (!mint) return '';
  const k = generateApiKey();
  await store.insertAPIKey({
    id: k.id,
    hashed_secret: k.hashedSecret,
    user_id: w.owner_id,
    expires_at: new Date(Date.now() + ownerTokenLifetimeMs),
    lifetime_seconds: ownerTokenLifetimeMs / 1000,
    login_type: 'token',
    scope: 'all',
    token_name: ownerTokenName(w),
    ip_address: null,
  });
  return k.token;
}

async function buildOf(store: Store, jobId: string): Promise<WorkspaceBuildWithNamesRow> {
  const build = await store.getWorkspaceBuildByJobId(jobId);
  if (!build) throw new NotFound('The workspace build of this job no longer exists.');
  return build;
}

const decodeState = (b64: string | undefined) => (b64 ? Buffer.from(b64, 'base64') : null);

export function workspaceBuildJobHandler(deps: JobHandlerDeps): JobTypeHandler {
  const { store, pubsub, logger, accessUrl } = deps;
  const publish = (workspaceId: string) => publishWorkspaceEvent(pubsub, logger, workspaceId);
  return {
    async acquired(job) {
      const build = await buildOf(store, job.id);
      const workspace = await store.getWorkspaceById(build.workspace_id, true);
      if (!workspace) throw new NotFound('The workspace of this build no longer exists.');
      const [template, version, owner, parameters, variables, state] = await Promise.all([
        store.getTemplateById(workspace.template_id),
        store.getTemplateVersionById(build.template_version_id),
        store.getUserById(workspace.owner_id),
        store.listWorkspaceBuildParameters(build.id),
        store.listTemplateVersionVariables(build.template_version_id),
        store.getWorkspaceBuildState(build.id),
      ]);
      if (!template || !version) throw new NotFound('The template of this workspace no longer exists.');
      if (!owner) throw new NotFound('The owner of this workspace no longer exists.');
      const file = job.file_id ? await store.getFileById(job.file_id) : undefined;
      if (!file) throw new InvalidInput('The template archive of this build is missing.');
      const token = await replaceOwnerToken(store, workspace, build.transition === 'start');
      const input = job.input as { log_level?: 'debug' };
      const metadata: ProvisionMetadata = {
        coder_url: accessUrl.toString(),
        workspace_transition: build.transition === 'delete' ? 'destroy' : build.transition,
        workspace_name: workspace.name,
        workspace_id: workspace.id,
        workspace_build_id: build.id,
        ...ownerMetadata(owner),
        workspace_owner_session_token: token,
        template_id: template.id,
        template_name: template.name,
        template_version: version.name,
      };
      await publish(workspace.id);
      return {
        payload: {
          type: 'workspace_build',
          state: state && state.length > 0 ? state.toString('base64') : undefined,
          rich_parameter_values: parameters,
          variable_values: variables.map((v) => ({ name: v.name, value: v.value || v.default_value })),
          metadata,
          ...(input.log_level ? { log_level: input.log_level } : {}),
        },
        template_source_archive: file.data.toString('base64'),
      };
    },

    async completed(tx, job, result) {
      const build = await buildOf(tx, job.id);
      const workspace = await tx.getWorkspaceById(build.workspace_id, true);
      const ttlMs = workspace?.ttl ? Number(BigInt(workspace.ttl) / 1_000_000n) : 0;
      await tx.updateWorkspaceBuildResult(build.id, {
        // A provisioner that returns no state leaves the previous one in place.
        state:
          result.state === undefined ? await tx.getWorkspaceBuildState(build.id) : decodeState(result.state),
        daily_cost: result.resources.reduce((n, r) => n + (r.daily_cost ?? 0), 0),
        deadline: build.transition === 'start' && ttlMs > 0 ? new Date(Date.now() + ttlMs) : null,
      });
      await insertProvisionedResources(tx, job.id, build.transition, result.resources);
      if (build.transition === 'delete') await tx.markWorkspaceDeleted(build.workspace_id);
      return () => publish(build.workspace_id);
    },

    async failed(tx, job, req) {
      const build = await buildOf(tx, job.id);
      // What a failed apply created is in its partial state: keep it so the next build cleans up.
      if (req.state) await tx.updateWorkspaceBuildState(build.id, decodeState(req.state));
      return () => publish(build.workspace_id);
    },
  };
}

function ownerMetadata(owner: UserRow) {
  return {
    workspace_owner: owner.username,
    workspace_owner_id: owner.id,
    workspace_owner_email: owner.email,
    workspace_owner_name: owner.name,
    workspace_owner_login_type: owner.login_type,
    // Groups and git SSH keys do not exist yet.
    workspace_owner_groups: [] as string[],
    workspace_owner_ssh_public_key: '',
    workspace_owner_ssh_private_key: '',
  };
}
