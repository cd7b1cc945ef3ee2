import { describe, expect, it } from 'vitest';
import { MalformedResponseError } from '../../lib/errors.js';
import { parseJob, parseJobId, toIsoUtc } from '../../lib/ges/responses.js';

const request = { method: 'GET', url: '/v2/p/graphs/g/jobs/j/status' };

describe('Function: toIsoUtc', () => {
  it.each([
    ['2026-03-29 01:30:00', '2026-03-29T01:30:00.000Z'],
    ['2026-03-29T01:30:00', '2026-03-29T01:30:00.000Z'],
    ['2026-03-29T01:30:00Z', '2026-03-29T01:30:00.000Z'],
    ['2026-03-29T01:30:00.5Z', '2026-03-29T01:30:00.500Z'],
    ['2026-03-29 01:30:00.123456', '2026-03-29T01:30:00.123Z'],
    ['2026-03-29T03:30:00+02:00', '2026-03-29T01:30:00.000Z'],
    ['2026-03-29T03:30:00+0200', '2026-03-29T01:30:00.000Z'],
    [' 2026-03-29 01:30:00 ', '2026-03-29T01:30:00.000Z'],
    [Date.UTC(2026, 2, 29, 1, 30), '2026-03-29T01:30:00.000Z'],
    ['', undefined],
    ['yesterday', undefined],
    ['2026-02-30 01:30:00', undefined],
    [null, undefined],
  ])('%j → %j', (value, expected) => {
    expect(toIsoUtc(value)).toBe(expected);
  });
});

describe('Function: parseJob', () => {
  it.each([
    ['pending', 'pending'],
    ['Running', 'running'],
    [' SUCCESS ', 'success'],
    ['failed', 'failed'],
  ])('normalises status %j to %j', (status, expected) => {
    expect(parseJob(JSON.stringify({ status }), request, 'j').status).toBe(expected);
  });

  it('reads the v2 spelling and falls back to the requested job id', () => {
    const body = {
      status: 'failed',
      job_type: 'StopGraph',
      begin_time: '2026-03-29 01:30:00',
      fail_reason: 'x',
    };
    expect(parseJob(JSON.stringify(body), request, 'j')).toEqual({
      jobId: 'j',
      status: 'failed',
      jobType: 'StopGraph',
      beginTime: '2026-03-29T01:30:00.000Z',
      endTime: undefined,
      failReason: 'x',
    });
  });

  it.each([['{"status":"done"}'], ['{"status":3}'], ['{}'], ['null'], ['<html>']])('rejects %s', (body) => {
    expect(() => parseJob(body, request, 'j')).toThrow(MalformedResponseError);
  });
});

describe('Function: parseJobId', () => {
  it.each([['{"jobId":"a"}'], ['{"job_id":"a"}'], ['{"jobId":" a ","job_id":"b"}']])('reads %s', (body) => {
    expect(parseJobId(body, request)).toBe('a');
  });

  it.each([['{}'], ['{"jobId":""}'], ['{"jobId":7}'], ['']])('rejects %j', (body) => {
    expect(() => parseJobId(body, request)).toThrow(MalformedResponseError);
  });
});
