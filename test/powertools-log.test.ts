import { afterEach, describe, expect, it, vi } from 'vitest';
import { powertoolsLog } from '../lib/powertools-log.js';

describe("powertoolsLog: the run's Log on Powertools Logger", () => {
  afterEach(() => vi.restoreAllMocks());

  function capture(): string[] {
    const lines: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        return true;
      });
    }
    return lines;
  }

  it('writes one JSON line with the fields beside the message', () => {
    const lines = capture();
    powertoolsLog('INFO').info('graph stopped', { graph: { graphId: 'g', jobId: 'j' } });
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'INFO',
      message: 'graph stopped',
      service: 'ges-offhours',
      graph: { graphId: 'g', jobId: 'j' },
    });
  });

  it('keeps a field named message as detail instead of letting Powertools drop it', () => {
    const lines = capture();
    powertoolsLog('INFO').error('project failed', { message: 'the reason', errorCode: 'X' });
    expect(JSON.parse(lines[0]!)).toMatchObject({
      message: 'project failed',
      detail: 'the reason',
      errorCode: 'X',
    });
  });

  it('honours the level', () => {
    const lines = capture();
    const log = powertoolsLog('WARN');
    log.info('quiet');
    log.debug('quieter');
    log.warn('loud');
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['loud']);
  });
});
