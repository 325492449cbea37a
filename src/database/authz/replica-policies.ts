/**
 * Policies for the replicas table and the background loops the replicas share. Replicas write
 * their own rows as the background actor; reading the list is for whoever may read `replica`
 * (owners), as in Coder's enterprise API. The lifecycle executor's queries are background-only.
 */
import { check, systemOnly, type Policies } from './policy.js';

type ReplicaPolicies = Pick<
  Policies,
  | 'upsertReplica'
  | 'listLiveReplicas'
  | 'markReplicaStopped'
  | 'deleteReplicasIdleFor'
  | 'claimLifecycleTick'
  | 'listLifecycleCandidates'
  | 'getLifecycleCandidate'
>;

export const replicaPolicies: ReplicaPolicies = {
  upsertReplica: systemOnly(),
  // All or nothing, as Coder answers 404 to anyone who may not read replicas.
  async listLiveReplicas({ actor, call }) {
    check(actor, 'read', { type: 'replica' }, 'Replicas');
    return call();
  },
  markReplicaStopped: systemOnly(),
  deleteReplicasIdleFor: systemOnly(),
  claimLifecycleTick: systemOnly(),
  listLifecycleCandidates: systemOnly(),
  getLifecycleCandidate: systemOnly(),
};
