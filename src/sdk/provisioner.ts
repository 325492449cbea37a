/**
 * The interface every provisioner implements (echo now, Terraform later), so one daemon runs them
 * all. A simplification of Coder's Config → Parse → Plan → Apply session (coder-behaviour.md §3.4):
 * one call per job, logs through a callback, cancellation through signals (docs/adr/0021).
 */
import type { LogLevel, ProvisionerType } from './provisioner-jobs.js';
import type { AcquiredJob } from './provisionerd-protocol.js';

export interface ProvisionedAgent {
  id?: string;
  name: string;
  operating_system?: string;
  architecture?: string;
  auth_token?: string;
}

export interface ProvisionedResource {
  name: string;
  type: string;
  agents?: ProvisionedAgent[];
}

export interface ProvisionResult {
  resources: ProvisionedResource[];
  /** Opaque provisioner state (Terraform state) to keep with a build. */
  state?: string;
}

export interface ProvisionContext {
  log(level: LogLevel, stage: string, output: string): void;
  /** Aborted on a graceful cancel: stop soon and reject (Terraform: SIGINT). */
  canceled: AbortSignal;
  /** Aborted when the grace period is over: stop at once (Terraform: SIGKILL). */
  killed: AbortSignal;
}

export interface Provisioner {
  readonly type: ProvisionerType;
  provision(job: AcquiredJob, ctx: ProvisionContext): Promise<ProvisionResult>;
}

/** A failure the provisioner reports on purpose (bad template, apply error); the job fails with it. */
export class ProvisionFailure extends Error {
  constructor(
    message: string,
    readonly errorCode?: string,
  ) {
    super(message);
    this.name = 'ProvisionFailure';
  }
}
