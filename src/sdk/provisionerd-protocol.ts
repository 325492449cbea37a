/**
 * The provisioner daemon ↔ coderd protocol (Coder's provisionerd.proto, coder-behaviour.md §3.2) as
 * TypeScript types. Built-in daemons call a `ProvisionerDaemonApi` in-process; external daemons
 * send the same calls as JSON frames over a WebSocket (docs/adr/0020).
 */
import type { ErrorResponse, HangarErrorCode } from './errors.js';
import type { LogLevel, LogSource, ProvisionerJobType, ProvisionerType } from './provisioner-jobs.js';
import type { ProvisionerTags } from './provisioner-tags.js';
import type { JobPayload, ProvisionResult } from './provisioner.js';

export const provisionerdApiVersion = '1.0';
/** Largest frame either side accepts on the daemon socket. */
export const provisionerdMaxFrameBytes = 4 << 20;
/** Close codes of the daemon socket: the peer sent something that is not the protocol. */
export const provisionerdCloseProtocolError = 4400;
export const provisionerdCloseGoingAway = 1001;
/** The key the daemon connected with was deleted; reconnecting with it will be refused. */
export const provisionerdCloseKeyRevoked = 4401;

/** What a daemon says about itself when it connects. */
export interface DaemonRegistration {
  name: string;
  version: string;
  provisioners: ProvisionerType[];
  tags: ProvisionerTags;
}

export interface AcquiredJob {
  job_id: string;
  created_at: string;
  provisioner: ProvisionerType;
  type: ProvisionerJobType;
  organization_id: string;
  initiator_id: string;
  tags: ProvisionerTags;
  /** The job's payload; for echo jobs the script of what each stage does. */
  input: unknown;
  /** Base64 template tar, when the job has a file. */
  template_source_archive?: string;
  /** Built by coderd for template and workspace jobs; absent for raw echo jobs. */
  payload?: JobPayload;
}

export interface JobLog {
  source: LogSource;
  level: LogLevel;
  /** Unix milliseconds. */
  created_at: number;
  stage: string;
  output: string;
}

export interface UpdateJobRequest {
  job_id: string;
  logs: JobLog[];
}

export interface UpdateJobResponse {
  canceled: boolean;
}

export interface CompleteJobRequest {
  job_id: string;
  result: ProvisionResult;
  /** Log lines not yet sent; stored before the job ends, saving a separate update. */
  logs?: JobLog[];
}

export interface FailJobRequest {
  job_id: string;
  error: string;
  error_code?: string;
  /** Base64 state of a failed build (Terraform may have created part of it). */
  state?: string;
  /** As in CompleteJobRequest. */
  logs?: JobLog[];
}

/** The four calls of the protocol; acquireJob long-polls until a job or the signal. */
export interface ProvisionerDaemonApi {
  acquireJob(signal: AbortSignal): Promise<AcquiredJob | undefined>;
  updateJob(req: UpdateJobRequest): Promise<UpdateJobResponse>;
  completeJob(req: CompleteJobRequest): Promise<void>;
  failJob(req: FailJobRequest): Promise<void>;
}

/** A live connection of one daemon; `closed` settles when the transport goes away. */
export interface DaemonConnection extends ProvisionerDaemonApi {
  readonly daemonId: string;
  readonly closed: Promise<void>;
  close(): void;
}

/** Opens a connection; rejects with a HangarError (unauthenticated ⇒ the daemon stops retrying). */
export type DaemonDialer = (registration: DaemonRegistration) => Promise<DaemonConnection>;

// Wire frames of the WebSocket transport: one JSON text message each.
export type ProvisionerdMethod = 'acquire' | 'cancel_acquire' | 'update' | 'complete' | 'fail';

export interface ProvisionerdRequestFrame {
  id: number;
  method: ProvisionerdMethod;
  params?: unknown;
}

export interface ProvisionerdResponseFrame {
  id: number;
  result?: unknown;
  error?: ErrorResponse & { code: HangarErrorCode };
}

/** First frame the server sends after the upgrade. */
export interface ProvisionerdHelloFrame {
  hello: { daemon_id: string; api_version: string };
}
