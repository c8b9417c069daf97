import type { PhoneErrorReason } from '$domain/phone.ts';
import { VOUCHER_CODE_LENGTH } from '$domain/voucher-code.ts';
import type { Lang } from './language.ts';

/** Every sentence the portal shows, in plain words, per language. */
const en = {
  languageName: 'English',
  homeTitle: 'Connect through your hotspot',
  homeBody:
    'Join the hotspot WiFi, then open any web page. You will be taken to the hotspot’s own page to buy or redeem internet access.',
  plansHeading: 'Choose a plan',
  noPlans: 'This hotspot has no plans on sale right now. Please ask the staff.',
  unavailable: 'This hotspot is unavailable right now. Please ask the staff.',
  support: 'Need help? Call',
  unknownSiteTitle: 'We could not find this hotspot',
  unknownSiteBody:
    'The address may be mistyped, or the hotspot is no longer here. Reconnect to the WiFi and open any web page to get back to your hotspot.',
  notFoundTitle: 'Page not found',
  notFoundBody: 'There is nothing at this address. Reconnect to the WiFi and open any web page.',
  unavailableTitle: 'Service temporarily unavailable',
  unavailableBody:
    'We cannot load this hotspot’s plans right now. Please wait a minute and try again.',
  errorTitle: 'Something went wrong',
  errorBody: 'Please wait a moment and try again.',
  tryAgain: 'Try again',
  haveVoucher: 'I have a voucher',
  checkVoucher: 'Check what is left on a voucher',
  voucherTitle: 'Enter your voucher code',
  voucherLabel: 'Voucher code',
  voucherHint: 'Letters and digits, as printed or sent by SMS.',
  connect: 'Connect',
  connectingTitle: 'Connecting you…',
  connectingBody: 'If nothing happens in a few seconds, tap Connect.',
  yourCode: 'Your code',
  keepCode: 'Keep this code: you can use it again until your plan runs out.',
  genericTitle: 'Your code is ready',
  genericBody: 'Open the hotspot’s login page and type this code as both user name and password.',
  loginRefused:
    'This link does not lead to this hotspot’s router, so your code was not sent. Scan the code posted by the hotspot’s staff, or open the hotspot’s login page and type the code there.',
  backToPlans: 'Back to plans',
  codeEmpty: 'Type the code from your voucher.',
  codeLookalike: 'Voucher codes never contain 0, O, 1, I or L. Check the code and type it again.',
  codeCharacters: 'A voucher code has only letters and digits. Check the code and type it again.',
  codeLength: `A voucher code has ${VOUCHER_CODE_LENGTH} characters (a few more with a prefix). Check the code.`,
  statusTitle: 'What is left on your voucher',
  check: 'Check',
  statusNotFound:
    'We do not know this code at this hotspot. Check the code on your voucher and try again.',
  statusLimited: 'Too many checks at this hotspot right now. Please try again in a few minutes.',
  statusLabel: 'Status',
  plan: 'Plan',
  timeLeft: 'Time left',
  dataLeft: 'Data left',
  expires: 'Expires',
  notStarted: 'Starts counting when you first connect',
  unlimited: 'Unlimited',
  devices: 'Devices',
  statusActive: 'Active',
  statusExpired: 'Expired',
  statusExhausted: 'Used up',
  statusRevoked: 'Cancelled',
  statusInactive: 'Not activated yet: ask the person who sold it to you',
  buy: 'Buy',
  paidNoVoucher: 'I paid but have no voucher',
  payTitle: 'Pay with M-Pesa',
  phoneLabel: 'Your M-Pesa phone number',
  phoneHint: 'We send a payment request to this phone: enter your M-Pesa PIN there.',
  pay: 'Pay',
  waitingTitle: 'Check your phone',
  waitingBody: 'Enter your M-Pesa PIN on your phone to pay. This page updates by itself.',
  refresh: 'Refresh',
  paidTitle: 'Payment received',
  resumedPending:
    'A payment from this device is waiting on the phone that was asked. Approve it there with the M-Pesa PIN; the voucher code then comes to that phone by SMS.',
  resumedPaid:
    'The payment from this device was received. The voucher code was sent by SMS to the phone that paid.',
  enterSmsCode: 'Enter the code from the SMS',
  payFailedTitle: 'The payment did not go through',
  connectedTitle: 'You are online',
  connectedBody: 'Here is what is left on your plan.',
  recoverBody:
    'Type the M-Pesa confirmation code from your SMS (like QJK3ABC123) and the phone number that paid.',
  receiptLabel: 'M-Pesa confirmation code',
  findVoucher: 'Find my voucher',
  recoverNotFound:
    'We found no payment with this code from this phone at this hotspot. Check both and try again, or call the hotspot.',
  recoverLimited: 'Too many tries. Please wait 10 minutes and try again.',
  recoverTooSmall:
    'This payment is less than the cheapest plan here. Please call the hotspot for help.',
  recoverVerifying:
    'We are confirming this payment with M-Pesa. Please try again in a few seconds.',
  recoveredTitle: 'Here is your voucher',
  phoneEmpty: 'Enter your phone number, for example 0712 345 678.',
  phoneCharacters: 'A phone number can only contain digits, for example 0712 345 678.',
  phoneCountry: 'Enter a Kenyan mobile number (+254), for example 0712 345 678.',
  phoneInvalid:
    'That is not a valid Kenyan mobile number. Enter it like 0712 345 678 or 0110 123 456.',
  privacy: 'Privacy',
  privacyTitle: 'Your privacy',
  privacyWho:
    'This hotspot’s operator keeps your data and decides how it is used: under Kenya’s Data Protection Act 2019 they are the data controller.',
  privacyWhatTitle: 'What is kept',
  privacyWhat:
    'Your phone number, your device’s MAC address, your payments and M-Pesa receipts, your vouchers, when you were connected and how much data you used, and the SMS sent to you.',
  privacyWhyTitle: 'Why',
  privacyWhy:
    'To sell you internet access and deliver it, to sort out payment problems, and to keep the payment records the law requires.',
  privacyHowLongTitle: 'For how long',
  // The one place that states the retention periods (also privacyHowLong in Swahili below): the
  // defaults of private.retention_policies (radacct and radpostauth 365 days, sms_outbox 90).
  privacyHowLong:
    'Payment records: as long as the law requires. Connection records (when you were online, data used): one year, then deleted. SMS: 90 days.',
  privacyRightsTitle: 'Your rights',
  privacyRights:
    'You may ask the operator for a copy of everything kept about your phone number, and for it to be deleted. The payment records the law requires are kept, without your phone number or device.',
  privacyAsk: 'Ask the operator',
  privacyAskStaff: 'Ask the hotspot’s staff.',
};

const sw: typeof en = {
  languageName: 'Kiswahili',
  homeTitle: 'Unganisha kupitia hotspot yako',
  homeBody:
    'Jiunge na WiFi ya hotspot, kisha fungua ukurasa wowote wa wavuti. Utapelekwa kwenye ukurasa wa hotspot ili kununua au kutumia vocha ya intaneti.',
  plansHeading: 'Chagua kifurushi',
  noPlans: 'Hotspot hii haina vifurushi vinavyouzwa kwa sasa. Tafadhali uliza mhudumu.',
  unavailable: 'Hotspot hii haipatikani kwa sasa. Tafadhali uliza mhudumu.',
  support: 'Unahitaji msaada? Piga simu',
  unknownSiteTitle: 'Hatukuweza kupata hotspot hii',
  unknownSiteBody:
    'Huenda anwani imekosewa, au hotspot hii haipo tena. Unganisha tena kwenye WiFi kisha ufungue ukurasa wowote ili urudi kwenye hotspot yako.',
  notFoundTitle: 'Ukurasa haupatikani',
  notFoundBody:
    'Hakuna kitu kwenye anwani hii. Unganisha tena kwenye WiFi kisha ufungue ukurasa wowote.',
  unavailableTitle: 'Huduma haipatikani kwa muda',
  unavailableBody:
    'Hatuwezi kupakia vifurushi vya hotspot hii sasa hivi. Tafadhali subiri dakika moja kisha ujaribu tena.',
  errorTitle: 'Kuna hitilafu',
  errorBody: 'Tafadhali subiri kidogo kisha ujaribu tena.',
  tryAgain: 'Jaribu tena',
  haveVoucher: 'Nina vocha',
  checkVoucher: 'Angalia salio la vocha',
  voucherTitle: 'Weka nambari ya vocha yako',
  voucherLabel: 'Nambari ya vocha',
  voucherHint: 'Herufi na tarakimu, kama ilivyochapishwa au kutumwa kwa SMS.',
  connect: 'Unganisha',
  connectingTitle: 'Tunakuunganisha…',
  connectingBody: 'Kama hakuna kinachotokea baada ya sekunde chache, bonyeza Unganisha.',
  yourCode: 'Nambari yako',
  keepCode: 'Hifadhi nambari hii: unaweza kuitumia tena hadi kifurushi chako kiishe.',
  genericTitle: 'Nambari yako iko tayari',
  genericBody:
    'Fungua ukurasa wa kuingia wa hotspot kisha uandike nambari hii kama jina la mtumiaji na nenosiri.',
  loginRefused:
    'Kiungo hiki hakielekei kwenye ruta ya hotspot hii, kwa hivyo nambari yako haikutumwa. Changanua msimbo uliowekwa na wahudumu wa hotspot, au fungua ukurasa wa kuingia wa hotspot na uandike nambari hapo.',
  backToPlans: 'Rudi kwenye vifurushi',
  codeEmpty: 'Andika nambari iliyo kwenye vocha yako.',
  codeLookalike: 'Nambari za vocha hazina 0, O, 1, I wala L. Angalia nambari kisha uiandike tena.',
  codeCharacters:
    'Nambari ya vocha ina herufi na tarakimu tu. Angalia nambari kisha uiandike tena.',
  codeLength: `Nambari ya vocha ina herufi ${VOUCHER_CODE_LENGTH} (au zaidi kidogo ikiwa na kiambishi). Angalia nambari.`,
  statusTitle: 'Salio la vocha yako',
  check: 'Angalia',
  statusNotFound:
    'Hatuijui nambari hii kwenye hotspot hii. Angalia nambari iliyo kwenye vocha yako kisha ujaribu tena.',
  statusLimited:
    'Ukaguzi mwingi kwenye hotspot hii sasa hivi. Tafadhali jaribu tena baada ya dakika chache.',
  statusLabel: 'Hali',
  plan: 'Kifurushi',
  timeLeft: 'Muda uliobaki',
  dataLeft: 'Data iliyobaki',
  expires: 'Inaisha',
  notStarted: 'Inaanza kuhesabu utakapounganishwa mara ya kwanza',
  unlimited: 'Bila kikomo',
  devices: 'Vifaa',
  statusActive: 'Inatumika',
  statusExpired: 'Imeisha muda',
  statusExhausted: 'Imetumika yote',
  statusRevoked: 'Imefutwa',
  statusInactive: 'Bado haijawashwa: muulize aliyekuuzia',
  buy: 'Nunua',
  paidNoVoucher: 'Nimelipa lakini sina vocha',
  payTitle: 'Lipa kwa M-Pesa',
  phoneLabel: 'Nambari yako ya simu ya M-Pesa',
  phoneHint: 'Tunatuma ombi la malipo kwa simu hii: weka PIN yako ya M-Pesa hapo.',
  pay: 'Lipa',
  waitingTitle: 'Angalia simu yako',
  waitingBody: 'Weka PIN yako ya M-Pesa kwenye simu ili ulipe. Ukurasa huu unajisasisha wenyewe.',
  refresh: 'Onyesha upya',
  paidTitle: 'Malipo yamepokelewa',
  resumedPending:
    'Malipo kutoka kwenye kifaa hiki yanasubiri kwenye simu iliyoombwa. Yaidhinishe hapo kwa PIN ya M-Pesa; nambari ya vocha itakuja kwa simu hiyo kwa SMS.',
  resumedPaid:
    'Malipo kutoka kwenye kifaa hiki yamepokelewa. Nambari ya vocha imetumwa kwa SMS kwa simu iliyolipa.',
  enterSmsCode: 'Andika nambari kutoka kwenye SMS',
  payFailedTitle: 'Malipo hayakufanikiwa',
  connectedTitle: 'Umeunganishwa',
  connectedBody: 'Hiki ndicho kilichobaki kwenye kifurushi chako.',
  recoverBody:
    'Andika nambari ya uthibitisho wa M-Pesa kutoka kwenye SMS yako (kama QJK3ABC123) na nambari ya simu iliyolipa.',
  receiptLabel: 'Nambari ya uthibitisho wa M-Pesa',
  findVoucher: 'Tafuta vocha yangu',
  recoverNotFound:
    'Hatukupata malipo yenye nambari hii kutoka simu hii kwenye hotspot hii. Angalia zote mbili ujaribu tena, au piga simu kwa hotspot.',
  recoverLimited: 'Majaribio mengi mno. Tafadhali subiri dakika 10 kisha ujaribu tena.',
  recoverTooSmall:
    'Malipo haya ni chini ya bei ya kifurushi cha bei nafuu zaidi hapa. Tafadhali piga simu kwa hotspot upate msaada.',
  recoverVerifying:
    'Tunathibitisha malipo haya na M-Pesa. Tafadhali jaribu tena baada ya sekunde chache.',
  recoveredTitle: 'Hii ndiyo vocha yako',
  phoneEmpty: 'Andika nambari yako ya simu, kwa mfano 0712 345 678.',
  phoneCharacters: 'Nambari ya simu ina tarakimu tu, kwa mfano 0712 345 678.',
  phoneCountry: 'Andika nambari ya simu ya Kenya (+254), kwa mfano 0712 345 678.',
  phoneInvalid:
    'Hiyo si nambari sahihi ya simu ya Kenya. Iandike kama 0712 345 678 au 0110 123 456.',
  privacy: 'Faragha',
  privacyTitle: 'Faragha yako',
  privacyWho:
    'Mwendeshaji wa hotspot hii anahifadhi taarifa zako na kuamua jinsi zinavyotumika: chini ya Sheria ya Ulinzi wa Data ya Kenya ya 2019 yeye ndiye mdhibiti wa data.',
  privacyWhatTitle: 'Kinachohifadhiwa',
  privacyWhat:
    'Nambari yako ya simu, anwani ya MAC ya kifaa chako, malipo yako na risiti za M-Pesa, vocha zako, muda uliounganishwa na kiasi cha data ulichotumia, na SMS ulizotumiwa.',
  privacyWhyTitle: 'Kwa nini',
  privacyWhy:
    'Ili kukuuzia huduma ya intaneti na kukuletea, kutatua matatizo ya malipo, na kuweka kumbukumbu za malipo zinazotakiwa na sheria.',
  privacyHowLongTitle: 'Kwa muda gani',
  privacyHowLong:
    'Kumbukumbu za malipo: kwa muda unaotakiwa na sheria. Kumbukumbu za muunganisho (ulipokuwa mtandaoni, data uliyotumia): mwaka mmoja, kisha hufutwa. SMS: siku 90.',
  privacyRightsTitle: 'Haki zako',
  privacyRights:
    'Unaweza kumwomba mwendeshaji nakala ya kila kitu kilichohifadhiwa kuhusu nambari yako ya simu, na kwamba kifutwe. Kumbukumbu za malipo zinazotakiwa na sheria hubaki, bila nambari yako ya simu wala kifaa chako.',
  privacyAsk: 'Muulize mwendeshaji',
  privacyAskStaff: 'Waulize wafanyakazi wa hotspot.',
};

export type Messages = typeof en;

export function messages(lang: Lang): Messages {
  return lang === 'sw' ? sw : en;
}

/** The words for a voucher code the portal refused before asking anyone (parseVoucherCode). */
export const codeErrorKeys: Record<string, keyof Messages> = {
  empty: 'codeEmpty',
  lookalike: 'codeLookalike',
  characters: 'codeCharacters',
  length: 'codeLength',
};

/** The words for a phone number the portal refused (normalizeKenyanPhone's reasons). */
export const phoneErrorKeys: Record<PhoneErrorReason, keyof Messages> = {
  empty: 'phoneEmpty',
  characters: 'phoneCharacters',
  country: 'phoneCountry',
  invalid: 'phoneInvalid',
};

/**
 * A portal page of the site, keeping the controller's variables and the language. `ref` is the
 * site reference the customer arrived with (its id or slug): links keep that form.
 */
export function sitePath(
  ref: string,
  path: string,
  vars: [string, string][],
  lang: Lang,
  extra: [string, string][] = [],
): string {
  return `/s/${ref}${path}?${new URLSearchParams([...vars, ...extra, ['lang', lang]])}`;
}
