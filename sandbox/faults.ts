/**
 * Chooses the fault effects for a request. Rules are tried in order, once, when the request
 * arrives: every matching `latency` rule before the first terminating rule is applied (their
 * delays add up), and the first matching terminating rule ends the search.
 */
import type { FaultEffect, FaultRule, RequestKind } from './types.js';

export interface FaultTarget {
  /** `METHOD /path?query`, the identity `firstAttemptOnly` is about. */
  readonly key: string;
  readonly kind: RequestKind | 'unknown';
  readonly projectId?: string | undefined;
  readonly graphId?: string | undefined;
}

/** mulberry32: small, fast and good enough for reproducible fault rates. */
export function makePrng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Throws on a rule that cannot mean anything, so a typo in a test fails loudly. */
export function validateFaultRule(rule: FaultRule, index: number): void {
  const fail = (problem: string) => {
    throw new TypeError(`faults[${index}]: ${problem}`);
  };
  if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1))
    fail(`rate must be 0..1, got ${rule.rate}`);
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 0))
    fail(`times must be a whole number >= 0, got ${rule.times}`);
  const { effect } = rule;
  if (effect.type === 'latency' && !(effect.ms >= 0)) fail(`latency ms must be >= 0, got ${effect.ms}`);
  if (
    (effect.type === 'status' || effect.type === 'acted-status') &&
    !(Number.isInteger(effect.status) && effect.status >= 100 && effect.status <= 599)
  )
    fail(`status must be an HTTP status, got ${effect.status}`);
}

export class FaultEngine {
  #rules: readonly FaultRule[] = [];
  #applied: number[] = [];
  readonly #seen = new Set<string>();
  readonly #random: () => number;

  constructor(rules: readonly FaultRule[], seed: number) {
    this.#random = makePrng(seed);
    this.setRules(rules);
  }

  /** Replaces the rules; `times` counts start again. The PRNG and the seen requests carry on. */
  setRules(rules: readonly FaultRule[]): void {
    rules.forEach(validateFaultRule);
    this.#rules = rules.map((r) => ({ ...r }));
    this.#applied = rules.map(() => 0);
  }

  /** Forgets which requests were seen, so `firstAttemptOnly` rules fire again. */
  forgetSeen(): void {
    this.#seen.clear();
  }

  /** The effects to apply to this request, latencies first, at most one terminating effect last. */
  select(target: FaultTarget): FaultEffect[] {
    const firstAttempt = !this.#seen.has(target.key);
    this.#seen.add(target.key);
    const effects: FaultEffect[] = [];
    for (const [index, rule] of this.#rules.entries()) {
      if (!this.#matches(rule, target, firstAttempt, index)) continue;
      const rate = rule.rate ?? 1;
      if (rate <= 0) continue;
      if (rate < 1 && !(this.#random() < rate)) continue;
      this.#applied[index] = (this.#applied[index] ?? 0) + 1;
      effects.push(rule.effect);
      if (rule.effect.type !== 'latency') break;
    }
    return effects;
  }

  #matches(rule: FaultRule, target: FaultTarget, firstAttempt: boolean, index: number): boolean {
    if (rule.times !== undefined && (this.#applied[index] ?? 0) >= rule.times) return false;
    if (rule.firstAttemptOnly && !firstAttempt) return false;
    if (rule.kinds && (target.kind === 'unknown' || !rule.kinds.includes(target.kind))) return false;
    if (rule.projectIds && (target.projectId === undefined || !rule.projectIds.includes(target.projectId)))
      return false;
    if (rule.graphIds && (target.graphId === undefined || !rule.graphIds.includes(target.graphId)))
      return false;
    return true;
  }
}
