import { describe, expect, it } from 'vitest';
import { isOpenAt, ledgerAsOf, openAt } from '../../lib/ledger/as-of.js';
import type { Ledger, LedgerWindow } from '../../lib/ledger/types.js';

const t = (hhmm: string) => new Date(`2026-03-02T${hhmm}:00Z`);
const window = (stoppedAt: string, endedAt?: string) => ({
  stoppedAt: t(stoppedAt),
  endedAt: endedAt === undefined ? undefined : t(endedAt),
});

describe('Function: isOpenAt', () => {
  it.each([
    { name: 'before it began', w: window('20:00', '22:00'), at: '19:59', open: false },
    { name: 'the instant it began', w: window('20:00', '22:00'), at: '20:00', open: true },
    { name: 'while it lasted', w: window('20:00', '22:00'), at: '21:00', open: true },
    { name: 'the instant it ended', w: window('20:00', '22:00'), at: '22:00', open: false },
    { name: 'after it ended', w: window('20:00', '22:00'), at: '23:00', open: false },
    { name: 'an open window, later', w: window('20:00'), at: '23:00', open: true },
    { name: 'an open window, before it began', w: window('20:00'), at: '19:00', open: false },
  ])('$name: $open', ({ w, at, open }) => {
    expect(isOpenAt(w, t(at))).toBe(open);
  });
});

describe('Function: openAt', () => {
  const full = (more: Partial<LedgerWindow>): LedgerWindow => ({
    projectId: 'p',
    graphId: 'g',
    key: { graph: 'p/g', stoppedAt: '2026-03-02T20:00:00Z' },
    runId: 'r',
    schedule: 's',
    stoppedAt: t('20:00'),
    ...more,
  });

  it('shows a window as it stood: its end, a later confirmation and a later start not yet known', () => {
    const later = full({
      confirmedAt: t('20:01'),
      startedAt: t('22:00'),
      startJobId: 'j',
      startAttempts: 1,
      endedAt: t('22:01'),
      endedBy: 'start',
    });
    expect(openAt([later], t('20:00'))).toEqual([full({ pending: true })]);
    expect(openAt([later], t('21:00'))).toEqual([full({ confirmedAt: t('20:01') })]);
    expect(openAt([later], t('22:00'))).toEqual([
      full({ confirmedAt: t('20:01'), startedAt: t('22:00'), startJobId: 'j', startAttempts: 1 }),
    ]);
    expect(openAt([later], t('22:01'))).toEqual([]);
  });
});

describe('Function: ledgerAsOf', () => {
  const ref = { projectId: 'p'.repeat(32), graphId: 'g' };
  const stored = (stoppedAt: string, endedAt?: string) =>
    ({
      ...ref,
      ...window(stoppedAt, endedAt),
      key: { graph: 'p/g', stoppedAt },
      runId: 'r',
      schedule: 's',
    }) as LedgerWindow;
  const fake = (open: LedgerWindow[], all: LedgerWindow[]): Ledger => ({
    table: 't',
    openWindow: async () => {
      throw new Error('unused');
    },
    closeWindow: async () => {
      throw new Error('unused');
    },
    updateWindow: async () => {
      throw new Error('unused');
    },
    discardPending: async () => {
      throw new Error('unused');
    },
    openWindowsOf: async () => open,
    openWindows: async () => new Map([[`${ref.projectId}/g`, { ok: true, windows: open }]]),
    windows: async (from, to) => ({
      windows: all.filter((w) => w.stoppedAt < to && (w.endedAt === undefined || w.endedAt > from)),
      skipped: [],
    }),
  });

  it('an instant to come: today’s open windows that began by then', async () => {
    const ledger = ledgerAsOf(fake([stored('20:00')], []), t('23:00'), t('21:00'));
    const read = await ledger.openWindows([ref]);
    expect(read.get(`${ref.projectId}/g`)).toMatchObject({ ok: true, windows: [{ stoppedAt: t('20:00') }] });
  });

  it('a past instant: the windows open then, closed ones included', async () => {
    const all = [stored('18:00', '19:00'), stored('20:00', '22:00')];
    const ledger = ledgerAsOf(fake([], all), t('21:00'), t('23:00'));
    const read = await ledger.openWindows([ref]);
    expect(read.get(`${ref.projectId}/g`)).toMatchObject({ ok: true, windows: [{ stoppedAt: t('20:00') }] });
    const before = await ledgerAsOf(fake([], all), t('19:30'), t('23:00')).openWindows([ref]);
    expect(before.get(`${ref.projectId}/g`)).toEqual({ ok: true, windows: [] });
  });

  it('reads a project’s open windows the same way', async () => {
    const all = [stored('18:00', '19:00'), stored('20:00', '22:00')];
    expect(
      await ledgerAsOf(fake([], all), t('21:00'), t('23:00')).openWindowsOf(ref.projectId),
    ).toMatchObject([{ stoppedAt: t('20:00') }]);
    expect(
      await ledgerAsOf(fake([stored('20:00')], []), t('19:00'), t('18:00')).openWindowsOf(ref.projectId),
    ).toEqual([]);
  });

  it('never writes', async () => {
    const ledger = ledgerAsOf(fake([], []), t('21:00'), t('23:00'));
    await expect(async () =>
      ledger.closeWindow({ graph: 'p/g', stoppedAt: 'x' }, { endedAt: t('21:00'), endedBy: 'start' }),
    ).rejects.toThrow('never writes');
  });
});
