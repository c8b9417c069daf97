// A periodic job's heartbeat as platform_jobs() returns it, and how the Jobs screen reads it:
// apart from platform.ts so it has no client imports (tests/unit/job-health.test.ts).
import { z } from 'zod';

/** The generated types call every column non-null; the timestamps, duration and error may be. */
export const jobSchema = z.object({
  name: z.string(),
  node: z.string(),
  period_seconds: z.number(),
  due_at: z.string(),
  running: z.boolean(),
  last_started_at: z.string().nullable(),
  last_succeeded_at: z.string().nullable(),
  last_duration_ms: z.number().nullable(),
  last_error: z.string().nullable(),
  last_error_at: z.string().nullable(),
  runs: z.number(),
  failures: z.number(),
});
export type Job = z.infer<typeof jobSchema>;

/** How many whole periods a job may miss before the screen marks it late. */
const LATE_PERIODS = 3;

/**
 * What is wrong with a job, if anything: `failing` when its last error is newer than its last
 * success, `late` when it has not succeeded for more than three periods (or, never having
 * succeeded, its first run started or fell due that long ago: no worker is running it).
 */
export function jobTrouble(job: Job, now = Date.now()): 'failing' | 'late' | null {
  const time = (iso: string | null) => (iso === null ? null : Date.parse(iso));
  const succeeded = time(job.last_succeeded_at);
  const failed = time(job.last_error_at);
  if (failed !== null && (succeeded === null || failed > succeeded)) return 'failing';
  const since = succeeded ?? time(job.last_started_at) ?? time(job.due_at)!;
  return now - since > LATE_PERIODS * job.period_seconds * 1000 ? 'late' : null;
}

/** A duration in seconds as people say it: "30 s", "5 min", "2 h", "3 days". */
export function spoken(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

/** A past moment relative to now: "just now", "12 s ago", "5 min ago"; "never" for none. */
export function ago(iso: string | null, now = Date.now()): string {
  if (iso === null) return 'never';
  const seconds = (now - Date.parse(iso)) / 1000;
  return seconds < 1 ? 'just now' : `${spoken(seconds)} ago`;
}
