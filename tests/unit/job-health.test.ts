// The platform section's reading of a job's heartbeat (admin/src/lib/job-health.ts): when the Jobs
// screen marks a job late or failing, and how it says how long ago.
import { describe, expect, it } from 'vitest';
import { ago, jobTrouble, spoken, type Job } from '../../admin/src/lib/job-health.ts';

const now = Date.parse('2026-12-05T12:00:00Z');
const before = (seconds: number) => new Date(now - seconds * 1000).toISOString();

/** A 30-second job that last succeeded 10 s ago and never failed. */
const job = (change: Partial<Job> = {}): Job => ({
  name: 'pay-reconcile',
  node: '',
  period_seconds: 30,
  due_at: before(-20),
  running: false,
  last_started_at: before(10),
  last_succeeded_at: before(10),
  last_duration_ms: 120,
  last_error: null,
  last_error_at: null,
  runs: 5,
  failures: 0,
  ...change,
});

describe('jobTrouble', () => {
  it('is nothing for a job that succeeds on time', () => {
    expect(jobTrouble(job(), now)).toBeNull();
    expect(jobTrouble(job({ last_succeeded_at: before(90) }), now)).toBeNull();
  });

  it('is late once the last success is more than three periods old', () => {
    expect(jobTrouble(job({ last_succeeded_at: before(91) }), now)).toBe('late');
  });

  it('is failing while the last error is newer than the last success', () => {
    const failed = { last_error: 'HTTP 500', last_error_at: before(5) };
    expect(jobTrouble(job(failed), now)).toBe('failing');
    expect(jobTrouble(job({ ...failed, last_succeeded_at: before(1) }), now)).toBeNull();
    expect(jobTrouble(job({ ...failed, last_succeeded_at: null }), now)).toBe('failing');
  });

  it('judges a job that never succeeded by when it first started or fell due', () => {
    const never = { last_succeeded_at: null, runs: 0 };
    expect(jobTrouble(job({ ...never, last_started_at: before(60) }), now)).toBeNull();
    expect(jobTrouble(job({ ...never, last_started_at: before(100) }), now)).toBe('late');
    expect(jobTrouble(job({ ...never, last_started_at: null, due_at: before(100) }), now)).toBe(
      'late',
    );
  });
});

describe('ago and spoken', () => {
  it('says a past moment in the unit people use', () => {
    expect(ago(null, now)).toBe('never');
    expect(ago(before(0.2), now)).toBe('just now');
    expect(ago(before(12), now)).toBe('12 s ago');
    expect(ago(before(300), now)).toBe('5 min ago');
    expect(ago(before(3 * 3600), now)).toBe('3 h ago');
    expect(spoken(3 * 86_400)).toBe('3 days');
  });
});
