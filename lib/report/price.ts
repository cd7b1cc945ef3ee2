/**
 * A graph's hourly price: its config entry's `hourlyPrice`, else `pricing.hourly[sizeIndex]`
 * (per replica) × replication, from what GES reported when the graph was stopped. Never guessed:
 * without either, the price is unknown and the reason says which piece is missing.
 */
import type { LedgerWindow } from '../ledger/types.js';
import type { GraphConfig, Pricing } from '../schedule/types.js';
import type { PriceSource } from './types.js';

export type Price =
  | { readonly known: true; readonly hourly: number; readonly source: PriceSource }
  | { readonly known: false; readonly reason: string };

type SizeInfo = Pick<LedgerWindow, 'sizeIndex' | 'replication'>;

export function priceOf(
  entry: Pick<GraphConfig, 'hourlyPrice'> | undefined,
  size: SizeInfo | undefined,
  pricing: Pricing,
): Price {
  if (entry?.hourlyPrice !== undefined) return { known: true, hourly: entry.hourlyPrice, source: 'entry' };
  const noEntryPrice = entry
    ? 'its config entry has no hourlyPrice'
    : 'no config entry names it (by id, or by the name GES gave when it was stopped)';
  if (size?.sizeIndex === undefined)
    return { known: false, reason: `${noEntryPrice}, and GES reported no size index when it was stopped` };
  const perReplica = pricing.hourly.get(size.sizeIndex);
  if (perReplica === undefined) {
    return {
      known: false,
      reason: `${noEntryPrice}, and pricing.hourly has no price for size index "${size.sizeIndex}"`,
    };
  }
  return { known: true, hourly: perReplica * replicas(size.replication), source: 'pricing' };
}

/** Replicas as GES reported them; 1 when it did not (v1.0 never does) or gave nonsense. */
function replicas(replication: number | undefined): number {
  return replication !== undefined && Number.isInteger(replication) && replication >= 1 ? replication : 1;
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
