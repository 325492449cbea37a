/** Wire types for provisioner daemons and provisioner keys (Coder's codersdk/provisionerdaemons.go). */
import { z } from 'zod';
import type { ProvisionerType } from './provisioner-jobs.js';

export type ProvisionerDaemonStatus = 'offline' | 'idle' | 'busy';

export interface ProvisionerDaemon {
  id: string;
  organization_id: string;
  key_id?: string;
  created_at: string;
  last_seen_at: string;
  name: string;
  version: string;
  api_version: string;
  provisioners: ProvisionerType[];
  tags: Record<string, string>;
  status: ProvisionerDaemonStatus;
  current_job_id?: string;
}

export interface ProvisionerKey {
  id: string;
  created_at: string;
  organization: string;
  name: string;
  tags: Record<string, string>;
}

export const CreateProvisionerKeyRequest = z.strictObject({
  name: z
    .string()
    .min(1, 'Must not be empty.')
    .max(64, 'Must be at most 64 characters.')
    .regex(/^[a-zA-Z0-9]+(?:[-_][a-zA-Z0-9]+)*$/, 'Must be letters and digits, separated by - or _.'),
  tags: z.record(z.string().max(128), z.string().max(256)).default({}),
});
export type CreateProvisionerKeyRequest = z.input<typeof CreateProvisionerKeyRequest>;

export interface CreateProvisionerKeyResponse {
  /** The only time the secret is shown. */
  key: string;
}

/** A daemon not seen for this long is reported offline (Coder uses a few heartbeat intervals). */
export const provisionerDaemonOfflineAfterMs = 60_000;
