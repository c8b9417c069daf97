// The last good answer of each query, kept on this device: offline, the admin shows that (and
// when it was fetched) instead of a blank page.

/** `savedAt` is set when the data is the stored copy rather than a live answer. */
export type MaybeStale<T> = { data: T; savedAt: number | null };

const prefix = 'offline-copy:';

/** Runs `load`; stores its answer, or when the network fails, returns the stored one if any. */
export async function withOfflineCopy<T>(
  key: string,
  load: () => Promise<T>,
  isNetworkFailure: (error: unknown) => boolean,
): Promise<MaybeStale<T>> {
  const stored = localStorage.getItem(prefix + key);
  // Known offline: answer now instead of waiting out the client's retries.
  if (!navigator.onLine && stored) return JSON.parse(stored) as { data: T; savedAt: number };
  try {
    const data = await load();
    localStorage.setItem(prefix + key, JSON.stringify({ data, savedAt: Date.now() }));
    return { data, savedAt: null };
  } catch (error) {
    if (!stored || !isNetworkFailure(error)) throw error;
    return JSON.parse(stored) as { data: T; savedAt: number };
  }
}

/** Stored copies belong to the signed-in user: forget them on sign-out. */
export function forgetOfflineCopies(): void {
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith(prefix)) localStorage.removeItem(key);
  }
}
