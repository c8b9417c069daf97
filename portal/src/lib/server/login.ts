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

/**
 * The login a portal page hands the browser for a voucher code: the controller's, with this
 * portal's shared secrets (CoovaChilli's uamsecret, openNDS's faskey), as a link when the page
 * is https and the controller http. `fresh`: first fetch a new MikroTik challenge (after a
 * payment the one in the page may be stale).
 */
export function loginFor(
  page: { url: URL; request: Request },
  vars: ControllerVars,
  code: string,
  options: { dst?: string; fresh?: boolean } = {},
): ControllerLogin {
  const controller = detectController(vars);
  const login =
    (options.fresh && freshChallengeLogin(controller, vars)) ||
    controllerLogin(controller, code, vars, {
      uamsecret: env.PORTAL_UAM_SECRET || undefined,
      faskey: env.PORTAL_FAS_KEY || undefined,
      dst: options.dst,
    });
  return forPage(login, isHttpsPage(page.url, page.request.headers));
}
