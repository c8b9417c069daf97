/**
 * Every inline script the portal writes, in one place: the Content-Security-Policy
 * (hooks.server.ts) allows exactly these by their SHA-256 hashes and nothing else, so a script
 * that found its way into a page by any other means would not run. Each is a constant with no
 * data in it; a change here changes its hash by itself.
 */

/** Sends the login form (LoginForm.svelte) at once. */
export const submitLogin = 'document.forms.login.submit()';

/** Follows the login link (LoginForm.svelte, https portal to http router) at once. */
export const followLogin = 'location.replace(document.getElementById("login").href)';

/** Reloads the waiting page as soon as the payment is no longer pending (p/[token]). */
export const pollPayment =
  'setInterval(function(){fetch(location.pathname+"/state",{cache:"no-store"})' +
  '.then(function(r){return r.json()}).then(function(s){if(s.status!=="pending")location.reload()})' +
  '.catch(function(){})},2000)';

export const inlineScripts = [submitLogin, followLogin, pollPayment];

/** The script element for one of the above (the closing tag split so Svelte leaves it alone). */
export const scriptTag = (body: (typeof inlineScripts)[number]) =>
  '<script>' + body + '</' + 'script>';
