import { isAuthApiError, isAuthRetryableFetchError, type AuthError } from '@supabase/supabase-js';

/** What to tell someone whose sign-in failed, in words they can act on. */
export function signInErrorText(error: AuthError): string {
  if (isAuthRetryableFetchError(error) || error.status === undefined || error.status >= 500) {
    return 'Cannot reach the server. Check your connection and try again.';
  }
  if (error.code === 'email_not_confirmed') {
    return 'This email address is not confirmed yet. Open the link in the confirmation email first.';
  }
  if (error.status === 429 || error.code === 'over_request_rate_limit') {
    return 'Too many attempts. Wait a minute, then try again.';
  }
  if (error.code === 'invalid_credentials' || (isAuthApiError(error) && error.status === 400)) {
    return 'Wrong email or password.';
  }
  return `Sign-in failed: ${error.message}`;
}
