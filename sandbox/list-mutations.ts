/**
 * Graphs created or deleted between two pages of a listing: each mutation is applied once, right
 * after the sandbox has answered the project's N-th list page, so the next page is cut from the
 * changed list (a deletion moves the rest up by one, a creation before the offset moves them down).
 */
import type { GraphStore } from './state.js';
import type { ListMutation } from './types.js';

/** Throws on a mutation that cannot apply to this store, so a typo in a test fails loudly. */
export function validateListMutations(mutations: readonly ListMutation[], store: GraphStore): void {
  const added = new Set(mutations.flatMap((m) => (m.add ?? []).map((g) => `${g.projectId}/${g.id}`)));
  mutations.forEach((m, index) => {
    const fail = (problem: string) => {
      throw new TypeError(`listMutations[${index}]: ${problem}`);
    };
    if (!(Number.isInteger(m.afterPages) && m.afterPages >= 1))
      fail(`afterPages must be a whole number >= 1, got ${m.afterPages}`);
    if (m.addAt !== undefined && !(Number.isInteger(m.addAt) && m.addAt >= 0))
      fail(`addAt must be a whole number >= 0, got ${m.addAt}`);
    for (const id of m.remove ?? []) {
      if (!store.has(m.projectId, id) && !added.has(`${m.projectId}/${id}`))
        fail(`removes graph ${id}, which project ${m.projectId} does not have`);
    }
    for (const graph of m.add ?? []) {
      if (graph.projectId !== m.projectId)
        fail(`adds graph ${graph.id} of project ${graph.projectId} to project ${m.projectId}`);
      if (store.has(graph.projectId, graph.id)) fail(`adds graph ${graph.id}, which already exists`);
    }
  });
}

export class ListMutations {
  readonly #store: GraphStore;
  #pending: ListMutation[] = [];
  readonly #pagesServed = new Map<string, number>();

  constructor(mutations: readonly ListMutation[], store: GraphStore) {
    this.#store = store;
    this.set(mutations);
  }

  /** Replaces the pending mutations; pages are counted again from zero. */
  set(mutations: readonly ListMutation[]): void {
    validateListMutations(mutations, this.#store);
    this.#pending = mutations.map((m) => ({ ...m }));
    this.#pagesServed.clear();
  }

  /** How many mutations have not been applied yet. */
  get pending(): number {
    return this.#pending.length;
  }

  /**
   * Counts a list page answered for the project and applies the mutations now due, in order. A
   * graph already deleted (or already created) by other means is left as it is.
   */
  pageServed(projectId: string): void {
    const served = (this.#pagesServed.get(projectId) ?? 0) + 1;
    this.#pagesServed.set(projectId, served);
    const due = this.#pending.filter((m) => m.projectId === projectId && m.afterPages <= served);
    if (due.length === 0) return;
    this.#pending = this.#pending.filter((m) => !due.includes(m));
    for (const m of due) {
      for (const id of m.remove ?? []) {
        if (this.#store.has(projectId, id)) this.#store.remove(projectId, id);
      }
      (m.add ?? []).forEach((graph, i) => {
        if (!this.#store.has(projectId, graph.id))
          this.#store.add(graph, m.addAt === undefined ? undefined : m.addAt + i);
      });
    }
  }
}
