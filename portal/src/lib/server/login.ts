import { env } from '$env/dynamic/private';
import {
  controllerLogin,
  detectController,
  forPage,
  freshChallengeLogin,
  isHttpsPage,
  type ControllerLogin,
  type ControllerVars,
} from './controller.ts';
import { isAllowedTarget, loginTargetUrl } from './login-target.ts';

/**
 * The login a portal page hands the browser for a voucher code: the controller's, with this
 * portal's shared secrets (CoovaChilli's uamsecret, openNDS's faskey), as a link when the page
 * is https and the controller http. `fresh`: first fetch a new MikroTik challenge (after a
 * payment the one in the page may be stale). A login address that is not this site's
 * (./login-target.ts) is refused: the code must never reach a host a forged URL named.
 */
export async function loginFor(
  page: { url: URL; request: Request; locals: App.Locals; fetch: typeof globalThis.fetch },
  slug: string,
  vars: ControllerVars,
  code: string,
  options: { dst?: string; fresh?: boolean } = {},
): Promise<ControllerLogin> {
  const controller = detectController(vars);
  const target = loginTargetUrl(controller);
  if (target) {
    if (!(await isAllowedTarget(slug, controller.kind, target, page.fetch))) {
      // Logged for the operator; the code stays out of the log.
      console.warn(
        `login target refused: site=${slug} controller=${controller.kind} host=${target.host}`,
      );
      return { method: 'refused' };
    }
  }
  const login =
    (options.fresh && freshChallengeLogin(controller, vars)) ||
    controllerLogin(controller, code, vars, {
      uamsecret: env.PORTAL_UAM_SECRET || undefined,
      faskey: env.PORTAL_FAS_KEY || undefined,
      dst: options.dst,
    });
  if (target) page.locals.loginTarget = formActionSources(target, login);
  return forPage(login, isHttpsPage(page.url, page.request.headers));
}

/**
 * What the Content-Security-Policy's form-action names besides 'self' (hooks.server.ts): the
 * login target, and the page the controller redirects to after the login (`dst`, `userurl`,
 * `redir`), because Chromium checks form-action on every redirect that follows a form
 * (openNDS answers its auth URL with a redirect to `redir`). Only the target receives fields.
 */
function formActionSources(target: URL, login: ControllerLogin): string {
  const sources = [target.origin];
  if (login.method !== 'post' && login.method !== 'get') return sources.join(' ');
  for (const [name, value] of login.fields) {
    if (name !== 'dst' && name !== 'userurl' && name !== 'redir') continue;
    const after = URL.canParse(value) ? new URL(value) : null;
    if (after && /^https?:$/.test(after.protocol)) sources.push(after.origin);
  }
  return [...new Set(sources)].join(' ');
}
