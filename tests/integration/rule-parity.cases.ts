// The cases rule-parity.test.ts feeds to both the SQL and the TypeScript side of each rule.

export const PHONES = [
  '0712345678',
  '0712 345 678',
  '0712-345-678',
  '(0712) 345.678',
  '+254712345678',
  '+254 712 345 678',
  '254712345678',
  '712345678',
  '0112345678', // the newer 01xx range
  '+254112345678',
  '254112345678',
  '112345678',
  '\t0712345678\n', // ASCII whitespace anywhere is a separator on both sides
  '0712\u00a0345678', // a no-break space, as copied from a web page
  '0812345678', // not a mobile range
  '0202345678', // a Nairobi landline
  '+255712345678', // Tanzania
  '+2540712345678',
  '2540712345678',
  '07123456789', // 11 digits
  '071234567', // 9 digits
  '0712345678'.repeat(3),
  '07l2345678', // a letter l for a 1
  '0712345678x',
  '++254712345678',
  '+',
  '',
  '   ',
  'not a phone',
  '٠٧١٢٣٤٥٦٧٨', // Arabic-Indic digits are not [0-9] on either side
  null,
];

/** What the CHECKs on stored phone numbers (customers, payments, sms_outbox, receipts) take. */
export const STORED_PHONES = [
  '+254712345678',
  '+254112345678',
  '254712345678',
  '0712345678',
  '+254812345678',
  '+2547123456789',
  '+25471234567',
  ' +254712345678',
  '+254712345678\n',
  '',
];

/** Stored-form codes as a voucher insert gives them (voucher_freeze_plan() upper-cases a-z). */
export const CODES = [
  'ABCDEFGHJK',
  '23456789ZZ',
  'HSABCDEFGHJK', // a batch prefix in front
  'ABCDABCDEFGHJK', // 14, the longest
  'ABCDEFGHJ', // 9
  'ABCDEABCDEFGHJK', // 15
  'abcdefghjk', // upper-cased before the check
  'ABCDE-FGHJK',
  'ABCDE FGHJK',
  'ABCDEFGHJ0',
  'ABCDEFGHJO',
  'ABCDEFGHJ1',
  'ABCDEFGHJI',
  'ABCDEFGHJL',
  'ABCDEFGHJ!',
  'ABCDEFGHJK\n',
  'ABCDÉFGHJK',
  'abcdeßfghj', // JavaScript's toUpperCase() would make SS of ß
  '',
];

export const PREFIXES = ['', 'K', 'HS', 'K7K7', 'K7K7K', 'hs', 'H0', 'HI', 'H-S', ' HS', 'É'];

/** What a customer might type for the voucher `code` (its random part first, then a prefix). */
export function typedCodes(code: string): string[] {
  const a = code.slice(0, 5);
  const b = code.slice(5);
  return [
    code,
    code.toLowerCase(),
    `${a}-${b}`,
    `${a} ${b}`,
    ` ${a.toLowerCase()} - ${b} `,
    `\t${code}\n`,
    `${a}--${b}`,
    `${a}_${b}`,
    `${a}\u2013${b}`, // an en dash, as phones autocorrect a hyphen
    `${a}\u00a0${b}`,
    `${a}.${b}`,
    code.slice(1),
    `${code}2`,
    code.replace(/[A-Z]/, 'O'),
    '',
  ];
}

export const MACS = [
  'aa:bb:cc:dd:ee:ff',
  'AA:BB:CC:DD:EE:FF',
  'AA-BB-CC-DD-EE-FF',
  'aabb.ccdd.eeff',
  'AABBCCDDEEFF',
  'aabbcc:ddeeff',
  'aabbcc-ddeeff',
  'aabb:ccdd:eeff',
  'aa bb cc dd ee ff',
  ' aa:bb:cc:dd:ee:ff ',
  'aa:bb-cc:dd.ee ff', // separators mixed
  'aa::bb:cc:dd:ee:ff',
  '\taa:bb:cc:dd:ee:ff', // a tab is not a separator on either side
  'aabbccddeeff\n',
  '8:0:2b:1:2:3', // unpadded
  'aa:bb:cc:dd:ee',
  'aa:bb:cc:dd:ee:ff:00',
  'gg:bb:cc:dd:ee:ff',
  'ABCDEFGHJK', // a voucher code as a RADIUS user name
  '',
  null,
];

/** Every ResultCode of shared/reference/mpesa-daraja.md (2.4, ResultCodes), then unknown ones. */
export const RESULT_CODES: (string | number | null)[] = [
  '0',
  '1',
  '2',
  '3',
  '4',
  '8',
  '17',
  '26',
  '1001',
  '1019',
  '1025',
  '1032',
  '1037',
  '2001',
  '2028',
  '8006',
  '9999',
  'SFC_IC0003',
  0,
  1032,
  1037,
  ' 0',
  '1032 ',
  '\t0',
  '0\n',
  '00',
  '0.0',
  '-1',
  '01032',
  '10320',
  '1031',
  'sfc_ic0003',
  'C2B00012',
  '',
  null,
];

export const ROLE_NAMES = [
  'owner',
  'admin',
  'agent',
  'Owner',
  'ADMIN',
  ' agent',
  'agent ',
  'member',
  'viewer',
  '',
];

export const LANGUAGE_CODES = ['en', 'sw', 'EN', 'Sw', ' sw', 'sw-KE', 'fr', 'english', ''];
