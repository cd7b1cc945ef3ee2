import type { Pause } from '../../lib/pause/state.js';
import type { PauseStore } from '../../lib/pause/store.js';

/** A store in memory (tests, and callers without a table). */
export function memoryPauseStore(initial?: Pause): PauseStore {
  let pause = initial;
  return {
    table: 'memory',
    read: async () => pause,
    set: async (next) => {
      pause = next;
    },
    clear: async () => {
      const was = pause;
      pause = undefined;
      return was;
    },
  };
}
