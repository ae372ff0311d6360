/**
 * Who drives a rollout. The lease lives in the rollout's state document and
 * is taken or renewed by a save that expects the revision it read (the
 * `rollouts` table's optimistic check), so two servers on one workspace never
 * both drive one rollout: the second waits until the first's lease expires.
 */
import { hostname } from "node:os";

/** A lease lasts this long without renewal (a controller renews it at every tick past half of it). */
export const LEASE_MS = 30_000;

export function defaultHolder(): string {
  return `${hostname()}:${process.pid}`;
}

export function leaseFree(lease: { holder: string; expiresAt: number } | undefined, holder: string, now: number): boolean {
  return !lease || lease.holder === holder || lease.expiresAt <= now;
}

export function needsRenewal(lease: { holder: string; expiresAt: number } | undefined, holder: string, now: number, leaseMs = LEASE_MS): boolean {
  return !lease || lease.holder !== holder || lease.expiresAt - now < leaseMs / 2;
}
