import { invalidate } from '$app/navigation';

/**
 * One action at a time on a page: `busy` while it runs (the page disables its controls), then
 * its `problem` (shown as an alert) or the `notice` saying it is done, and the page's data
 * reloaded. Pages had this copied into each of them.
 */
export class PageAction {
  busy = $state(false);
  problem = $state<string | null>(null);
  notice = $state<string | null>(null);
  readonly #reload: string[];

  /** `reload`: the `depends()` keys to invalidate after a success. */
  constructor(...reload: string[]) {
    this.#reload = reload;
  }

  /** Runs `work` (it returns a problem to show, or null) and, when it succeeds, says `done`. */
  async run(work: () => Promise<string | null>, done: string) {
    this.busy = true;
    this.problem = null;
    this.notice = null;
    this.problem = await work();
    this.busy = false;
    if (this.problem) return;
    this.notice = done;
    for (const key of this.#reload) await invalidate(key);
  }
}
