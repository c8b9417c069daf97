import type { Lang } from './language.ts';

/**
 * A refusal coming back from the hotspot controller, in plain words with the next step. The
 * controller passes on FreeRADIUS's Reply-Message (our stable `WB_*` codes, radius/README.md)
 * as MikroTik's `error` or CoovaChilli's `reply`; MikroTik also has texts of its own.
 */
export type LoginError =
  | 'unknown'
  | 'retry'
  | 'wrong-site'
  | 'revoked'
  | 'not-active'
  | 'expired'
  | 'time-used'
  | 'data-used'
  | 'devices'
  | 'locked'
  | 'unavailable'
  | 'other';

const byCode: Record<string, LoginError> = {
  WB_UNKNOWN: 'unknown',
  WB_BAD_PASSWORD: 'retry',
  WB_WRONG_SITE: 'wrong-site',
  WB_REVOKED: 'revoked',
  // A printed card not yet sold or released by the operator (SECURITY.md, agents).
  WB_NOT_ACTIVE: 'not-active',
  WB_EXPIRED: 'expired',
  WB_EXHAUSTED_TIME: 'time-used',
  WB_EXHAUSTED_DATA: 'data-used',
  WB_DEVICE_LIMIT: 'devices',
  WB_LOCKED: 'locked',
  WB_UNAVAILABLE: 'unavailable',
  // The organization is suspended: for the customer, the hotspot is not selling right now.
  WB_SUSPENDED: 'unavailable',
};

/** Which refusal a controller's error text means. */
export function classifyLoginError(raw: string): LoginError {
  const code = /\bWB_[A-Z_]+\b/.exec(raw)?.[0];
  if (code && byCode[code]) return byCode[code];
  const text = raw.toLowerCase();
  if (text.includes('invalid username or password') || text.includes('invalid password'))
    return 'unknown';
  if (text.includes('no more sessions') || text.includes('shared users')) return 'devices';
  if (text.includes('uptime limit') || text.includes('session timeout')) return 'time-used';
  if (text.includes('traffic limit') || text.includes('bytes')) return 'data-used';
  if (text.includes('not responding') || text.includes('timeout') || text.includes('retry later'))
    return 'unavailable';
  return 'other';
}

type Words = { title: string; body: string };

const en: Record<LoginError, Words> = {
  unknown: {
    title: 'This code was not accepted',
    body: 'Check the code on your voucher and type it again. Codes never contain 0, O, 1, I or L.',
  },
  retry: {
    title: 'The hotspot could not check your code',
    body: 'Please type the code again and tap Connect.',
  },
  'wrong-site': {
    title: 'This voucher is for another hotspot',
    body: 'Use it at the hotspot that sold it, or buy a plan here.',
  },
  revoked: {
    title: 'This voucher has been cancelled',
    body: 'Please ask the hotspot staff, or buy a new plan.',
  },
  'not-active': {
    title: 'This voucher is not active yet',
    body: 'Ask the person who sold it to you to activate it, or buy a plan here.',
  },
  expired: {
    title: 'This voucher has expired',
    body: 'Buy a new plan to get back online.',
  },
  'time-used': {
    title: 'The time on this voucher is used up',
    body: 'Buy a new plan to get back online.',
  },
  'data-used': {
    title: 'The data on this voucher is used up',
    body: 'Buy a new plan to get back online.',
  },
  devices: {
    title: 'This voucher is already in use on its maximum number of devices',
    body: 'Disconnect one of the other devices and try again, or buy a plan for this device.',
  },
  locked: {
    title: 'Too many wrong codes from this device',
    body: 'Wait 15 minutes, then type your code carefully.',
  },
  unavailable: {
    title: 'The hotspot cannot check codes right now',
    body: 'Please wait a minute and try again.',
  },
  other: {
    title: 'The hotspot did not let you in',
    body: 'Please try again. If it keeps happening, ask the hotspot staff.',
  },
};

const sw: Record<LoginError, Words> = {
  unknown: {
    title: 'Nambari hii haikukubaliwa',
    body: 'Angalia nambari kwenye vocha yako kisha uiandike tena. Nambari hazina 0, O, 1, I wala L.',
  },
  retry: {
    title: 'Hotspot haikuweza kukagua nambari yako',
    body: 'Tafadhali andika nambari tena kisha ubonyeze Unganisha.',
  },
  'wrong-site': {
    title: 'Vocha hii ni ya hotspot nyingine',
    body: 'Itumie kwenye hotspot iliyoiuza, au nunua kifurushi hapa.',
  },
  revoked: {
    title: 'Vocha hii imefutwa',
    body: 'Tafadhali uliza mhudumu wa hotspot, au nunua kifurushi kipya.',
  },
  'not-active': {
    title: 'Vocha hii bado haijawashwa',
    body: 'Muombe aliyekuuzia aiwashe, au nunua kifurushi hapa.',
  },
  expired: {
    title: 'Muda wa vocha hii umekwisha',
    body: 'Nunua kifurushi kipya ili uunganishwe tena.',
  },
  'time-used': {
    title: 'Muda wa matumizi wa vocha hii umekwisha',
    body: 'Nunua kifurushi kipya ili uunganishwe tena.',
  },
  'data-used': {
    title: 'Data ya vocha hii imekwisha',
    body: 'Nunua kifurushi kipya ili uunganishwe tena.',
  },
  devices: {
    title: 'Vocha hii tayari inatumika kwenye idadi ya juu ya vifaa',
    body: 'Tenganisha kifaa kingine kisha ujaribu tena, au nunua kifurushi kwa kifaa hiki.',
  },
  locked: {
    title: 'Nambari nyingi zisizo sahihi kutoka kifaa hiki',
    body: 'Subiri dakika 15, kisha andika nambari yako kwa uangalifu.',
  },
  unavailable: {
    title: 'Hotspot haiwezi kukagua nambari sasa hivi',
    body: 'Tafadhali subiri dakika moja kisha ujaribu tena.',
  },
  other: {
    title: 'Hotspot haikukuruhusu kuingia',
    body: 'Tafadhali jaribu tena. Ikiendelea, uliza mhudumu wa hotspot.',
  },
};

export function loginErrorWords(error: LoginError, lang: Lang): Words {
  return (lang === 'sw' ? sw : en)[error];
}
