import type { Lang } from './language.ts';

/** Plan limits in the words a customer reads on a price list ("1 day", "siku 1"). */

type Unit = 'week' | 'day' | 'hour' | 'minute';

const units: { unit: Unit; seconds: number }[] = [
  { unit: 'week', seconds: 7 * 86400 },
  { unit: 'day', seconds: 86400 },
  { unit: 'hour', seconds: 3600 },
  { unit: 'minute', seconds: 60 },
];

// Swahili puts the noun first ("siku 2") and uses the same word for one and many, except
// where the noun class changes.
const unitWords: Record<Lang, Record<Unit, [one: string, many: string]>> = {
  en: {
    week: ['week', 'weeks'],
    day: ['day', 'days'],
    hour: ['hour', 'hours'],
    minute: ['minute', 'minutes'],
  },
  sw: {
    week: ['wiki', 'wiki'],
    day: ['siku', 'siku'],
    hour: ['saa', 'saa'],
    minute: ['dakika', 'dakika'],
  },
};

function count(n: number, [one, many]: [string, string], lang: Lang): string {
  const word = n === 1 ? one : many;
  return lang === 'sw' ? `${word} ${n}` : `${n} ${word}`;
}

/** "1 week", "2 days 12 hours", "dakika 30": at most the two largest parts. */
export function durationWords(seconds: number, lang: Lang): string {
  // Weeks only when they are exact: "10 days" reads better than "1 week 3 days".
  const usable = units.filter((u) => u.unit !== 'week' || seconds % u.seconds === 0);
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(seconds));
  for (const { unit, seconds: size } of usable) {
    const n = Math.floor(rest / size);
    if (n > 0 && parts.length < 2) parts.push(count(n, unitWords[lang][unit], lang));
    rest -= n * size;
  }
  return parts.length > 0 ? parts.join(' ') : count(0, unitWords[lang].minute, lang);
}

/** Bytes as the GB/MB an operator typed, whether they meant 1000- or 1024-based units. */
export function dataWords(bytes: number, lang: Lang): string {
  const sizes = [
    { name: 'GB', binary: 2 ** 30, decimal: 1e9 },
    { name: 'MB', binary: 2 ** 20, decimal: 1e6 },
  ];
  for (const { name, binary, decimal } of sizes) {
    if (bytes < decimal) continue;
    // A whole number of the next smaller binary unit means the operator counted in 1024s.
    const base = bytes % (binary / 1024) === 0 ? binary : decimal;
    return amount(Math.round((bytes / base) * 10) / 10, name, lang);
  }
  return amount(Math.max(1, Math.round(bytes / 1000)), 'KB', lang);
}

/** Download speed as "5 Mbps", whether the operator typed 5000 or 5120 kbps. */
export function speedWords(kbps: number, lang: Lang): string {
  if (kbps >= 1024 && kbps % 1024 === 0) return amount(kbps / 1024, 'Mbps', lang);
  if (kbps >= 1000) return amount(Math.round(kbps / 100) / 10, 'Mbps', lang);
  return amount(kbps, 'kbps', lang);
}

function amount(n: number, unit: string, lang: Lang): string {
  const number = n.toLocaleString(lang === 'sw' ? 'sw-KE' : 'en-KE');
  return lang === 'sw' ? `${unit} ${number}` : `${number} ${unit}`;
}

/** Everything a plan card says besides its name and price. */
export function planDetails(
  plan: {
    validity_seconds: number;
    time_quota_seconds: number | null;
    data_quota_bytes: number | null;
    download_kbps: number | null;
    devices_allowed: number;
  },
  lang: Lang,
): string[] {
  const sw = lang === 'sw';
  const details = [
    sw
      ? `Inadumu ${durationWords(plan.validity_seconds, lang)}`
      : `Valid for ${durationWords(plan.validity_seconds, lang)}`,
  ];
  if (plan.time_quota_seconds !== null) {
    const time = durationWords(plan.time_quota_seconds, lang);
    details.push(sw ? `Matumizi ya ${time}` : `${time} of use`);
  }
  if (plan.data_quota_bytes !== null) {
    const data = dataWords(plan.data_quota_bytes, lang);
    details.push(sw ? `Data ${data}` : `${data} of data`);
  } else {
    details.push(sw ? 'Data bila kikomo' : 'Unlimited data');
  }
  if (plan.download_kbps !== null) {
    const speed = speedWords(plan.download_kbps, lang);
    details.push(sw ? `Kasi hadi ${speed}` : `Speed up to ${speed}`);
  }
  const devices = plan.devices_allowed;
  details.push(
    sw
      ? devices === 1
        ? 'Kifaa 1'
        : `Vifaa ${devices}`
      : `${devices} ${devices === 1 ? 'device' : 'devices'}`,
  );
  return details;
}
